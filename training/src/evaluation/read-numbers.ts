/**
 * Drawn numbers → the digits the server would read: each rendered as the page's canvas would
 * show it, then segmented by the server's own `preprocessNumber`, every candidate crop run
 * through the model, and the most confident reading chosen by the server's own `chooseReadings`.
 */
import { DrawnNumber, renderDrawnNumber } from '@live-digits/digit-data/drawn-digits/drawn-numbers';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import {
  candidateImages,
  chooseReadings,
  PreprocessedNumber,
  PreprocessError,
  preprocessNumber,
} from '@live-digits/shared/preprocessing/preprocess';
import { tf } from '@live-digits/shared/tf/tf';
import { argMaxRows, predictInChunks } from './predict';

/** Rendering and decoding run on libuv's thread pool: a few numbers in flight keep the cores busy (as renderDrawings does). */
const IN_FLIGHT = 4;

/** What the server reads on each number's canvas, in order: its digits, '' for nothing, `null` when refused as TOO_MANY_DIGITS. */
export async function readNumbers(model: tf.LayersModel, numbers: readonly DrawnNumber[]): Promise<Array<string | null>> {
  const segmented = await segmentNumbers(numbers);
  // Every candidate of every number in one stream of chunked batches, then handed back number by number.
  const candidates = segmented.map((number) => (number ? candidateImages(number) : []));
  const total = candidates.reduce((sum, images) => sum + images.length, 0);
  const pixels = new Float32Array(total * IMAGE_PIXELS);
  candidates.flat().forEach((image, i) => pixels.set(image, i * IMAGE_PIXELS));
  const probabilities = await predictInChunks(model, { pixels, count: total });

  let first = 0;
  return segmented.map((number, i) => {
    const rows = probabilities.subarray(first * CLASS_COUNT, (first + candidates[i].length) * CLASS_COUNT);
    first += candidates[i].length;
    if (!number) return null;
    if (number.empty) return '';
    return chooseReadings(number, rows)
      .map((reading) => argMaxRows(reading.probabilities)[0])
      .join('');
  });
}

/** Each number segmented, or `null` when the server would refuse it as TOO_MANY_DIGITS. */
async function segmentNumbers(numbers: readonly DrawnNumber[]): Promise<Array<PreprocessedNumber | null>> {
  const results: Array<PreprocessedNumber | null> = new Array(numbers.length);
  let next = 0;
  const lane = async () => {
    while (next < numbers.length) {
      const i = next++;
      results[i] = await preprocessNumber(await renderDrawnNumber(numbers[i])).catch((error: unknown) => {
        if (error instanceof PreprocessError && error.code === 'TOO_MANY_DIGITS') return null;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return results;
}
