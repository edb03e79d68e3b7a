/**
 * Measuring a model: on MNIST's test set, on a folder of labelled drawings, or on drawings the
 * project generates from held-out MNIST digits. Drawings go through the exact preprocessing the
 * server uses, so these figures are what a person drawing on the page can expect.
 */
import { Injectable } from '@nestjs/common';
import { generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { readLabelledFolder } from '@live-digits/shared/labelled-images/labelled-folder';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { tf } from '@live-digits/shared/tf/tf';
import { IMAGE_BYTES, ImageSet } from '../data/training-data';
import { ClassificationSummary, summarise } from './classification-summary';

const CHUNK = 500;

export interface DrawingsSummary extends ClassificationSummary {
  /** Drawings the preprocessing found empty; they count as wrong. */
  empty: number;
}

@Injectable()
export class EvaluationService {
  /** Most likely digit for each image; `pixels` holds 28×28 floats in [0, 1] per image. */
  async predictDigits(model: tf.LayersModel, pixels: Float32Array, count: number): Promise<Uint8Array> {
    const predictions = new Uint8Array(count);
    for (let from = 0; from < count; from += CHUNK) {
      const to = Math.min(count, from + CHUNK);
      const best = tf.tidy(() => {
        const batch = tf.tensor4d(pixels.subarray(from * IMAGE_BYTES, to * IMAGE_BYTES), [to - from, 28, 28, 1]);
        return tf.argMax(model.predict(batch) as tf.Tensor, 1);
      });
      predictions.set(await best.data(), from);
      best.dispose();
    }
    return predictions;
  }

  async evaluateImageSet(model: tf.LayersModel, set: ImageSet): Promise<ClassificationSummary> {
    const floats = Float32Array.from(set.pixels, (v) => v / 255);
    return summarise(set.labels, await this.predictDigits(model, floats, set.count));
  }

  async evaluateMnistTest(model: tf.LayersModel, dataDir = bundledMnistDir()): Promise<ClassificationSummary> {
    const test = readMnistSplit(dataDir, 't10k');
    return this.evaluateImageSet(model, { pixels: test.images.pixels, labels: test.labels, count: test.images.count });
  }

  async evaluateDrawings(model: tf.LayersModel, drawings: Array<{ bytes: Uint8Array; label: number }>): Promise<DrawingsSummary> {
    const pixels = new Float32Array(drawings.length * IMAGE_BYTES);
    const empty = new Array<boolean>(drawings.length);
    for (const [i, drawing] of drawings.entries()) {
      const processed = await preprocessImage(drawing.bytes);
      empty[i] = processed.empty;
      pixels.set(processed.pixels, i * IMAGE_BYTES);
    }
    const predictions = await this.predictDigits(model, pixels, drawings.length);
    // An empty drawing has no guess: mark it with a digit no label can equal.
    const scored = Array.from(predictions, (p, i) => (empty[i] ? (drawings[i].label + 1) % 10 : p));
    return { ...summarise(drawings.map((d) => d.label), scored), empty: empty.filter(Boolean).length };
  }

  async evaluateDrawingsFolder(model: tf.LayersModel, dir: string): Promise<DrawingsSummary> {
    return this.evaluateDrawings(model, await readLabelledFolder(dir));
  }

  /** Round-pen redrawings of digits the model never trained on, rendered as a 400×400 canvas would. */
  async evaluateGeneratedDrawings(model: tf.LayersModel, source: ImageSet, count: number, seed: number): Promise<DrawingsSummary> {
    const digits = generateDrawnDigits({ images: { pixels: source.pixels, count: source.count }, labels: source.labels }, count, seed);
    const drawings = [];
    for (const digit of digits) drawings.push({ bytes: await renderDrawnDigit(digit), label: digit.label });
    return this.evaluateDrawings(model, drawings);
  }
}
