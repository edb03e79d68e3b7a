import sharp from 'sharp';
import { initTensorFlow, tf } from '@live-digits/shared/tf/tf';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { loadModelFolder } from '@live-digits/shared/model/model-files';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { buildThrowawayNet } from '../../../../../test/server/support/model-fixtures';
import { drawingPng, drawnDigits } from '../../../../../test/server/support/drawings';
import { isInsightRequest } from '../../common/validation';
import { encodeInsight, INSIGHT_MAX_BYTES, insightAsBase64, insightBytes } from './insight-encoding';
import { runInsightPass } from './insight-pass';
import { buildInsightView } from './insight-view';

/** Pixel (x, y) of the 28×28 as an index. */
const at = (x: number, y: number) => y * IMAGE_SIDE + x;
const BRIGHT = at(9, 17);
const OTHER = at(20, 4);

/**
 * A model whose logits can be read off by hand: flatten → dense 10 softmax, all weights 0 but
 * three. Logit 3 = 2·x[BRIGHT], logit 7 = −1·x[BRIGHT] + 1·x[OTHER]; so the gradient of logit 3 is
 * 2 at BRIGHT and 0 elsewhere, that of logit 7 is −1 at BRIGHT and +1 at OTHER.
 */
function handCheckableModel(): tf.LayersModel {
  const kernel = new Float32Array(IMAGE_PIXELS * CLASS_COUNT);
  kernel[BRIGHT * CLASS_COUNT + 3] = 2;
  kernel[BRIGHT * CLASS_COUNT + 7] = -1;
  kernel[OTHER * CLASS_COUNT + 7] = 1;
  const input = tf.input({ shape: [IMAGE_SIDE, IMAGE_SIDE, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: CLASS_COUNT,
      activation: 'softmax',
      weights: [tf.tensor2d(kernel, [IMAGE_PIXELS, CLASS_COUNT]), tf.zeros([CLASS_COUNT])],
    })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** The smallest model with a conv, a pool and a dense layer, so 10,000 passes through each kind take seconds. */
function tinyConvModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
        filters: 1,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: 'ones',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASS_COUNT, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    ],
  });
}

function brightPixel(): Float32Array {
  const image = new Float32Array(IMAGE_PIXELS);
  image[BRIGHT] = 1;
  return image;
}

beforeAll(() => initTensorFlow({ backend: 'wasm' }));

describe(buildInsightView.name, () => {
  it('lists every conv, pool and dense layer with its output shape, and copies no weight', () => {
    const model = buildThrowawayNet(3);
    const before = tf.memory().numTensors;
    const view = buildInsightView(model);
    expect(tf.memory().numTensors).toBe(before);
    expect(view.layers.map(({ kind, width, height, channels }) => ({ kind, width, height, channels }))).toEqual([
      { kind: 'conv', width: 26, height: 26, channels: 4 },
      { kind: 'pool', width: 13, height: 13, channels: 4 },
      { kind: 'dense', width: 10, height: 1, channels: 1 },
    ]);
    model.dispose();
  });

  it('shares the weights: disposing the model frees them all, once (the view is never disposed on its own)', () => {
    const before = tf.memory().numTensors;
    const model = buildThrowawayNet(4);
    buildInsightView(model);
    expect(() => model.dispose()).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe(runInsightPass.name, () => {
  let model: tf.LayersModel;
  beforeAll(() => (model = handCheckableModel()));
  afterAll(() => model.dispose());

  it('takes the gradient of the explained digit’s logit: exactly the weights that read the pixels', async () => {
    const view = buildInsightView(model);
    const logit = { name: 'gradient', samples: 1, objective: 'logit' } as const;
    const [top] = await runInsightPass(view, [brightPixel()], [undefined], logit);
    expect(top.digit).toBe(3);
    expect(top.saliency[BRIGHT]).toBeCloseTo(2, 5);
    expect(top.saliency.filter((value) => value !== 0)).toHaveLength(1);

    const [seven] = await runInsightPass(view, [brightPixel()], [7], logit);
    expect(seven.digit).toBe(7);
    expect(seven.saliency[BRIGHT]).toBeCloseTo(-1, 5);
    expect(seven.saliency[OTHER]).toBeCloseTo(1, 5);
  });

  it('or of its log-probability: the logit’s gradient minus the others’, weighted by their probabilities', async () => {
    const view = buildInsightView(model);
    const [top] = await runInsightPass(view, [brightPixel()], [undefined], { name: 'gradient', samples: 1, objective: 'log-probability' });
    const p = top.probabilities;
    // ∂ log p₃ / ∂x = ∂z₃ − Σₖ pₖ ∂zₖ: at BRIGHT 2 − (2·p₃ − 1·p₇), at OTHER −p₇.
    expect(top.saliency[BRIGHT]).toBeCloseTo(2 - (2 * p[3] - p[7]), 5);
    expect(top.saliency[OTHER]).toBeCloseTo(-p[7], 5);
  });

  it('puts a single bright pixel’s evidence on that pixel (gradient × input, the default), and none for a digit it argues against', async () => {
    const view = buildInsightView(model);
    const [top, seven] = await runInsightPass(view, [brightPixel(), brightPixel()], [undefined, 7]);
    const topBytes = encodeInsight(view.layers, top).saliency.data;
    expect(topBytes[BRIGHT]).toBe(255);
    expect(topBytes.reduce((sum, value) => sum + value, 0)).toBe(255);
    // For 7 the bright pixel counts against (−1) and OTHER holds no ink: no positive evidence at all.
    expect(encodeInsight(view.layers, seven).saliency.data.every((value) => value === 0)).toBe(true);
  });

  it('answers the probabilities of the same forward pass, and the activations of each layer', async () => {
    const view = buildInsightView(model);
    const [result] = await runInsightPass(view, [brightPixel()], [undefined]);
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(brightPixel(), [1, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor).dataSync());
    Array.from(expected).forEach((p, d) => expect(result.probabilities[d]).toBeCloseTo(p, 6));
    expect(result.layers).toHaveLength(1);
    Array.from(expected).forEach((p, d) => expect(result.layers[0][d]).toBeCloseTo(p, 6));
  });

  it('refuses a digit that is not 0–9', async () => {
    const view = buildInsightView(model);
    await expect(runInsightPass(view, [brightPixel()], [10])).rejects.toThrow(/digits 0–9/);
    await expect(runInsightPass(view, [brightPixel()], [2.5])).rejects.toThrow(/digits 0–9/);
  });

  it('leaves the tensor count as it found it after 10,000 insight computations', async () => {
    const conv = tinyConvModel();
    const view = buildInsightView(conv);
    const batch = Array.from({ length: 100 }, (_, i) => brightPixel().map((value, p) => (p % 97 === i % 97 ? 0.5 : value)));
    const targets = batch.map((_, i) => (i % 3 === 0 ? undefined : i % CLASS_COUNT));
    await runInsightPass(view, batch, targets); // first calls may allocate backend state
    const before = tf.memory().numTensors;
    let computed = 0;
    for (let round = 0; round < 100; round++) {
      const results = await runInsightPass(view, batch, targets);
      for (const result of results) encodeInsight(view.layers, result);
      computed += results.length;
    }
    expect(computed).toBe(10_000);
    expect(tf.memory().numTensors).toBe(before);
    conv.dispose();
  });
});

describe(encodeInsight.name, () => {
  let model: tf.LayersModel;
  let image: Float32Array;
  beforeAll(async () => {
    ({ model } = await loadModelFolder('models/digit-net'));
    image = (await preprocessImage(await drawingPng(drawnDigits(10, 21)[4]))).pixels;
  });
  afterAll(() => model.dispose());

  it('holds digit-net’s insight to 64 KB, dropping the least active maps of the biggest layers', async () => {
    const view = buildInsightView(model);
    const [result] = await runInsightPass(view, [image], [undefined]);
    const sut = encodeInsight(view.layers, result);

    expect(insightBytes(sut)).toBeLessThanOrEqual(INSIGHT_MAX_BYTES);
    expect(sut.digit).toBe(result.probabilities.indexOf(Math.max(...result.probabilities)));
    expect(sut.layers.map(({ name, kind, width, height, totalChannels }) => ({ name, kind, width, height, totalChannels }))).toEqual([
      { name: 'conv2d_Conv2D1', kind: 'conv', width: 28, height: 28, totalChannels: 32 },
      { name: 'conv2d_Conv2D2', kind: 'conv', width: 26, height: 26, totalChannels: 32 },
      { name: 'max_pooling2d_MaxPooling2D1', kind: 'pool', width: 13, height: 13, totalChannels: 32 },
      { name: 'conv2d_Conv2D3', kind: 'conv', width: 11, height: 11, totalChannels: 64 },
      { name: 'conv2d_Conv2D4', kind: 'conv', width: 9, height: 9, totalChannels: 64 },
      { name: 'max_pooling2d_MaxPooling2D2', kind: 'pool', width: 4, height: 4, totalChannels: 64 },
      { name: 'dense_Dense1', kind: 'dense', width: 128, height: 1, totalChannels: 1 },
      { name: 'probabilities', kind: 'dense', width: 10, height: 1, totalChannels: 1 },
    ]);
    for (const layer of sut.layers) {
      expect(layer.data).toBeInstanceOf(Uint8Array);
      expect(layer.data.length).toBe(layer.channels * layer.height * layer.width);
      expect(layer.channelIndices).toHaveLength(layer.channels);
      expect(layer.channelIndices).toEqual([...layer.channelIndices].sort((a, b) => a - b));
    }
    // Only the two big conv layers (25 and 22 KB whole) give up maps, no more than they must; the rest go whole.
    const [first, second, ...rest] = sut.layers;
    expect(first.channels + second.channels).toBeLessThan(64);
    expect(insightBytes(sut) + second.width * second.height).toBeGreaterThan(INSIGHT_MAX_BYTES);
    for (const layer of rest) expect(layer.channels).toBe(layer.totalChannels);
    // The maps dropped are each layer's least active ones.
    [first, second].forEach((layer, index) => {
      const values = result.layers[index];
      const activity = (channel: number) => {
        let sum = 0;
        for (let p = channel; p < values.length; p += layer.totalChannels) sum += values[p];
        return sum;
      };
      const dropped = Array.from({ length: layer.totalChannels }, (_, c) => c).filter((c) => !layer.channelIndices.includes(c));
      const weakestKept = Math.min(...layer.channelIndices.map(activity));
      for (const channel of dropped) expect(activity(channel)).toBeLessThanOrEqual(weakestKept);
    });
  });

  it('scales each map to 0–255 on its own, the input as the model saw it, and the saliency on the ink', async () => {
    const view = buildInsightView(model);
    const [result] = await runInsightPass(view, [image], [undefined]);
    const sut = encodeInsight(view.layers, result);
    for (const layer of sut.layers) {
      const pixels = layer.width * layer.height;
      for (let slot = 0; slot < layer.channels; slot++) {
        const max = Math.max(...layer.data.subarray(slot * pixels, (slot + 1) * pixels));
        expect([0, 255]).toContain(max);
      }
    }
    expect(Array.from(sut.input.data)).toEqual(Array.from(image, (value) => Math.round(value * 255)));
    expect(Math.max(...sut.saliency.data)).toBe(255);
    sut.saliency.data.forEach((value, p) => {
      if (value > 0) expect(image[p]).toBeGreaterThan(0);
    });
  });

  it('explains the digit asked for', async () => {
    const view = buildInsightView(model);
    const [asked] = await runInsightPass(view, [image], [7]);
    expect(encodeInsight(view.layers, asked).digit).toBe(7);
  });

  it('turns every plane into base64 for HTTP', async () => {
    const view = buildInsightView(model);
    const [result] = await runInsightPass(view, [image], [undefined]);
    const binary = { ...encodeInsight(view.layers, result), placement: { scale: 0.1, dx: 2, dy: 3 } };
    const text = insightAsBase64(binary);
    expect(Buffer.from(text.saliency.data, 'base64')).toEqual(Buffer.from(binary.saliency.data));
    text.layers.forEach((layer, i) => expect(Buffer.from(layer.data, 'base64')).toEqual(Buffer.from(binary.layers[i].data)));
    expect(text.placement).toEqual(binary.placement);
  });
});

describe('the placement of the 28×28 on the drawing', () => {
  it('maps a known ink crop onto exactly the input pixels its ink landed on, and back', async () => {
    // A solid bar 100 px wide and 200 px tall at (120, 60) on the page's 400×400 transparent canvas.
    const box = { x: 120, y: 60, width: 100, height: 200 };
    const bar = await sharp({ create: { width: box.width, height: box.height, channels: 4, background: '#000' } })
      .png()
      .toBuffer();
    const png = await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: bar, left: box.x, top: box.y }])
      .png()
      .toBuffer();
    const { pixels, placement } = await preprocessImage(png);
    expect(placement!.scale).toBeCloseTo(20 / 200, 10); // the longest side fitted to 20 px
    const toInput = (x: number, y: number) => [x * placement!.scale + placement!.dx, y * placement!.scale + placement!.dy];
    const [left, top] = toInput(box.x, box.y);
    const [right, bottom] = toInput(box.x + box.width, box.y + box.height);
    // The ink in the 28×28 covers [left, right) × [top, bottom), pixel edges included.
    const inked = Array.from(pixels.keys()).filter((p) => pixels[p] > 0.5);
    const columns = inked.map((p) => p % IMAGE_SIDE);
    const rows = inked.map((p) => Math.floor(p / IMAGE_SIDE));
    expect([Math.min(...columns), Math.max(...columns) + 1, Math.min(...rows), Math.max(...rows) + 1]).toEqual(
      [left, right, top, bottom].map((v) => expect.closeTo(v, 6)),
    );
    // And back: an input pixel's centre comes from inside the bar.
    const [u, v] = [(left + right) / 2, (top + bottom) / 2];
    expect((u - placement!.dx) / placement!.scale).toBeCloseTo(box.x + box.width / 2, 6);
    expect((v - placement!.dy) / placement!.scale).toBeCloseTo(box.y + box.height / 2, 6);
  });

  it('is null for an empty canvas', async () => {
    const png = await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    await expect(preprocessImage(png)).resolves.toMatchObject({ empty: true, placement: null });
  });
});

describe(isInsightRequest.name, () => {
  it.each([[true], [{ digit: 0 }], [{ digit: 9 }]])('accepts %j', (value) => expect(isInsightRequest(value)).toBe(true));
  it.each([
    [false],
    [1],
    ['true'],
    [{ digit: 10 }],
    [{ digit: -1 }],
    [{ digit: 2.5 }],
    [{ digit: '7' }],
    [{}],
    [{ digit: 7, extra: 1 }],
    [[7]],
  ])('refuses %j', (value) => expect(isInsightRequest(value)).toBe(false));
});
