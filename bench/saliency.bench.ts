/**
 * Which saliency method the server uses, by the numbers: for drawn digits (MNIST test digits
 * redrawn with a pen, then the shared preprocessing) and the served model, each method's
 * - on-ink share: the share of positive saliency mass on the ink dilated by 1 and by 2 pixels;
 * - deletion: the explained digit's mean probability once its 20 most salient pixels are blacked
 *   out (lower is more faithful: the pixels it names really carried the guess); random ink
 *   pixels for comparison;
 * - cost: milliseconds per image, one image at a time as a frame runs;
 * - blank: maps with no positive evidence at all (a gradient that vanished).
 *
 *   npm run bench:saliency -- [count] [model dir]
 */
import { initTensorFlow, tf } from '@live-digits/shared/tf/tf';
import { loadModelFolder } from '@live-digits/shared/model/model-files';
import { IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { SeededRandom } from '@live-digits/digit-data/random';
import { runInsightPass, SaliencyMethod } from '../apps/server/src/recognition/insight/insight-pass';
import { buildInsightView } from '../apps/server/src/recognition/insight/insight-view';
import { predictInChunks } from '../training/src/evaluation/predict';

const METHODS: SaliencyMethod[] = [
  { name: 'gradient', samples: 1, objective: 'logit' },
  { name: 'gradient-x-input', samples: 1, objective: 'logit' },
  { name: 'gradient-x-input', samples: 1, objective: 'log-probability' },
  { name: 'smoothgrad', samples: 8, objective: 'logit' },
  { name: 'smoothgrad-x-input', samples: 8, objective: 'logit' },
  { name: 'integrated-gradients', samples: 4, objective: 'logit' },
  { name: 'integrated-gradients', samples: 8, objective: 'logit' },
  { name: 'integrated-gradients', samples: 8, objective: 'log-probability' },
];
const DELETED = 20;

async function main(count = 200, modelDir = 'models/digit-net'): Promise<void> {
  await initTensorFlow({ backend: 'wasm' });
  const { model } = await loadModelFolder(modelDir);
  const view = buildInsightView(model);
  const drawn = generateDrawnDigits(readMnistSplit(bundledMnistDir(), 't10k'), count, 2026);
  const images: Float32Array[] = [];
  for (const digit of drawn) {
    const image = await preprocessImage(await renderDrawnDigit(digit));
    if (!image.empty) images.push(image.pixels);
  }
  const probabilityOf = async (batch: Float32Array[], digits: number[]) => {
    const values = await predictInChunks(model, { pixels: concat(batch), count: batch.length });
    return digits.map((digit, i) => values[i * 10 + digit]);
  };
  console.log(`${images.length} drawn digits, model ${modelDir}, backend ${tf.getBackend()}`);
  console.log(
    'method                            samples  on ink+1px  on ink+2px  p(top)  after deleting top-20 | random-20   ms/image  blank',
  );
  for (const method of METHODS) {
    await runInsightPass(view, images.slice(0, 2), [undefined, undefined], method); // warm-up
    let ink1 = 0;
    let ink2 = 0;
    const deletedTop: Float32Array[] = [];
    const deletedRandom: Float32Array[] = [];
    const digits: number[] = [];
    let ms = 0;
    let blank = 0;
    let before = 0;
    for (const image of images) {
      const started = performance.now();
      const [result] = await runInsightPass(view, [image], [undefined], method);
      ms += performance.now() - started;
      const positive = result.saliency.map((value) => Math.max(0, value));
      const total = positive.reduce((a, b) => a + b, 0) || 1;
      if (positive.every((value) => value === 0)) blank++;
      ink1 += massWithin(positive, dilate(image, 1)) / total;
      ink2 += massWithin(positive, dilate(image, 2)) / total;
      digits.push(result.digit);
      before += result.probabilities[result.digit];
      deletedTop.push(deleteWhere(image, topIndices(positive, DELETED)));
      deletedRandom.push(deleteWhere(image, randomInkIndices(image, DELETED, digits.length)));
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const top = mean(await probabilityOf(deletedTop, digits));
    const random = mean(await probabilityOf(deletedRandom, digits));
    console.log(
      `${(method.name + (method.objective === 'log-probability' ? ' (log p)' : '')).padEnd(34)}${String(method.samples).padStart(7)}${(ink1 / images.length).toFixed(3).padStart(12)}${(ink2 / images.length).toFixed(3).padStart(12)}${(before / images.length).toFixed(3).padStart(8)}` +
        `${top.toFixed(3).padStart(24)}${random.toFixed(3).padStart(13)}${(ms / images.length).toFixed(2).padStart(11)}${String(blank).padStart(8)}`,
    );
  }
  model.dispose();
}

function concat(images: Float32Array[]): Float32Array {
  const all = new Float32Array(images.length * IMAGE_PIXELS);
  images.forEach((image, i) => all.set(image, i * IMAGE_PIXELS));
  return all;
}

/** Ink (> 0) grown by `radius` pixels (a square neighbourhood). */
function dilate(image: Float32Array, radius: number): Uint8Array {
  const mask = new Uint8Array(IMAGE_PIXELS);
  for (let y = 0; y < IMAGE_SIDE; y++)
    for (let x = 0; x < IMAGE_SIDE; x++) {
      if (image[y * IMAGE_SIDE + x] <= 0) continue;
      for (let v = Math.max(0, y - radius); v <= Math.min(IMAGE_SIDE - 1, y + radius); v++)
        for (let u = Math.max(0, x - radius); u <= Math.min(IMAGE_SIDE - 1, x + radius); u++) mask[v * IMAGE_SIDE + u] = 1;
    }
  return mask;
}

function massWithin(values: Float32Array, mask: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (mask[i]) sum += values[i];
  return sum;
}

function topIndices(values: Float32Array, count: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => values[b] - values[a])
    .slice(0, count);
}

function randomInkIndices(image: Float32Array, count: number, seed: number): number[] {
  const ink = Array.from(image.keys()).filter((i) => image[i] > 0);
  return new SeededRandom(seed).shuffle(ink).slice(0, count);
}

function deleteWhere(image: Float32Array, indices: number[]): Float32Array {
  const copy = image.slice();
  for (const i of indices) copy[i] = 0;
  return copy;
}

void main(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3]);
