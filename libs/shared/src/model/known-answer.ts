/**
 * The known-answer check: before a server swaps in a model, it reads a few hundred MNIST test
 * digits and must score close to the test accuracy its metadata.json records. A checksum proves
 * the weights are the ones training wrote; this proves they still recognise digits — it catches
 * weights that were damaged *before* the checksum was taken (a zeroed buffer saved by a bug, a
 * file replaced together with its metadata) and anything the checksum cannot see.
 *
 * Damage is not subtle: flipped bytes or zeroed weights make a network answer one class for
 * everything (≈ 10% on MNIST), while a sound model on a few hundred digits lands within a few
 * points of its 10,000-digit figure. The margin sits between the two.
 */
import { tf } from '../tf/tf';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from './model-contract';

/** Digits with their labels, pixels in the model's input range (0 = background, 1 = ink), MNIST-centred. */
export interface KnownAnswerDigits {
  count: number;
  /** count × IMAGE_PIXELS values in [0, 1]. */
  pixels: Float32Array;
  labels: Uint8Array;
}

/**
 * `count` digits spread evenly over an MNIST split (every k-th one, so every writer and class is
 * represented rather than the split's first page), scaled from bytes to [0, 1].
 */
export function sampleKnownAnswerDigits(
  split: { images: { count: number; pixels: Uint8Array }; labels: Uint8Array },
  count: number,
): KnownAnswerDigits {
  const take = Math.min(count, split.images.count);
  const stride = split.images.count / take;
  const pixels = new Float32Array(take * IMAGE_PIXELS);
  const labels = new Uint8Array(take);
  for (let i = 0; i < take; i++) {
    const source = Math.floor(i * stride);
    const bytes = split.images.pixels.subarray(source * IMAGE_PIXELS, (source + 1) * IMAGE_PIXELS);
    for (let p = 0; p < IMAGE_PIXELS; p++) pixels[i * IMAGE_PIXELS + p] = bytes[p] / 255;
    labels[i] = split.labels[source];
  }
  return { count: take, pixels, labels };
}

/**
 * The share of `digits` whose highest probability is at their label; batches in `tf.tidy`, outputs
 * read with `await data()`. A server runs this while it serves (wasm computes on the event loop),
 * so the batches are small and it yields between them: frames keep being answered during a swap.
 */
export async function knownAnswerAccuracy(model: tf.LayersModel, digits: KnownAnswerDigits, batchSize = 10): Promise<number> {
  let correct = 0;
  for (let start = 0; start < digits.count; start += batchSize) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const size = Math.min(batchSize, digits.count - start);
    const input = digits.pixels.subarray(start * IMAGE_PIXELS, (start + size) * IMAGE_PIXELS);
    const output = tf.tidy(() => model.predict(tf.tensor4d(input, [size, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor);
    try {
      const values = (await output.data()) as Float32Array;
      for (let row = 0; row < size; row++) {
        const probabilities = values.subarray(row * CLASS_COUNT, (row + 1) * CLASS_COUNT);
        let best = 0;
        for (let d = 1; d < CLASS_COUNT; d++) if (probabilities[d] > probabilities[best]) best = d;
        if (best === digits.labels[start + row] && Number.isFinite(probabilities[best])) correct++;
      }
    } finally {
      output.dispose();
    }
  }
  return digits.count ? correct / digits.count : 0;
}

/**
 * How far below the recorded accuracy a sample may score: five points, plus four standard errors
 * of a sample of `count` at that accuracy (a sound model misses it by chance far less than once in
 * ten thousand loads). For 300 digits: 0.9967 → floor ≈ 0.93; 0.9 → ≈ 0.78. A damaged network
 * scores ≈ 0.1.
 */
export function knownAnswerFloor(recordedAccuracy: number, count: number): number {
  const standardError = Math.sqrt((recordedAccuracy * (1 - recordedAccuracy)) / Math.max(1, count));
  return recordedAccuracy - 0.05 - 4 * standardError;
}

export interface KnownAnswerVerdict {
  accuracy: number;
  floor: number;
  passed: boolean;
}

export async function checkKnownAnswers(
  model: tf.LayersModel,
  digits: KnownAnswerDigits,
  recordedAccuracy: number,
): Promise<KnownAnswerVerdict> {
  const accuracy = await knownAnswerAccuracy(model, digits);
  const floor = knownAnswerFloor(recordedAccuracy, digits.count);
  return { accuracy, floor, passed: accuracy >= floor };
}
