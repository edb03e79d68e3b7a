import { DrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { DrawnNumber, generateDrawnNumbers, renderDrawnNumber, WIDE_CANVAS } from '@live-digits/digit-data/drawn-digits/drawn-numbers';
import { bundledMnistDir, MnistSet, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { DEFAULT_MODEL_DIR, loadModel } from '@live-digits/shared/model/model-files';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { tf } from '@live-digits/shared/tf/tf';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { argMaxRows, predictInChunks } from './predict';
import { readNumbers } from './read-numbers';

/** Upright bars, `count` of them side by side on the wide canvas: a row of 1s. */
function bars(count: number): DrawnNumber {
  const digits: DrawnDigit[] = Array.from({ length: count }, (_, i) => ({
    label: 1,
    source: i,
    penWidth: 16,
    strokes: [
      [
        { x: 40 + i * 80, y: 120 },
        { x: 40 + i * 80, y: 280 },
      ],
    ],
  }));
  return { digits, label: '1'.repeat(count), ...WIDE_CANVAS, penWidth: 16 };
}

describe(readNumbers.name, () => {
  const sut = readNumbers;
  let model: tf.LayersModel;
  let mnist: MnistSet;

  beforeAll(async () => {
    await initGradientTensorFlow({ backend: 'wasm' });
    model = await loadModel(DEFAULT_MODEL_DIR);
    mnist = readMnistSplit(bundledMnistDir(), 't10k');
  });

  afterAll(() => model.dispose());

  it('reads a lone digit exactly as the one-digit preprocessing does', async () => {
    const lone = generateDrawnNumbers(mnist, 30, 11, { lengths: [1] });
    const images = [];
    for (const number of lone) images.push(await preprocessImage(await renderDrawnNumber(number)));
    const pixels = new Float32Array(images.length * 784);
    images.forEach((image, i) => pixels.set(image.pixels, i * 784));
    const oneDigit = argMaxRows(await predictInChunks(model, { pixels, count: images.length }));
    expect(await sut(model, lone)).toEqual(Array.from(oneDigit, String));
  }, 60_000);

  it('reads each number of a batch as it reads it alone, digits left to right', async () => {
    const numbers = generateDrawnNumbers(mnist, 12, 3, { lengths: [2, 3, 4] });
    const together = await sut(model, numbers);
    const alone: Array<string | null> = [];
    for (const number of numbers) alone.push(...(await sut(model, [number])));
    expect(together).toEqual(alone);
    // The segmentation finds the digits of nearly all, whatever the classifier makes of them; most read exactly.
    expect(together.filter((text, i) => text?.length === numbers[i].label.length).length).toBeGreaterThanOrEqual(11);
    expect(together.filter((text, i) => text === numbers[i].label).length).toBeGreaterThanOrEqual(9);
  }, 60_000);

  it('reads eight 1s, refuses nine as TOO_MANY_DIGITS, and reads nothing on an empty canvas', async () => {
    const empty: DrawnNumber = { digits: [], label: '', ...WIDE_CANVAS, penWidth: 16 };
    expect(await sut(model, [bars(8), bars(9), empty])).toEqual(['11111111', null, '']);
  }, 60_000);
});
