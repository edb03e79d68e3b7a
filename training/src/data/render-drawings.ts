/**
 * Drawn digits (pen strokes) → what the model sees: each rendered as the page's 400×400 canvas
 * would show it, then put through the server's own `preprocessImage`.
 */
import { DrawnDigit, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { PreprocessedImage, preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import type { ImageSet } from './training-data';

/**
 * sharp renders the SVG and decodes the PNG on libuv's thread pool, so a few drawings in flight
 * keep the cores busy while preprocessing's JS pass runs on this thread.
 */
const IN_FLIGHT = 4;

/** The preprocessed 28×28 of every drawing, in order. */
export async function renderDrawings(digits: readonly DrawnDigit[]): Promise<PreprocessedImage[]> {
  const results: PreprocessedImage[] = new Array(digits.length);
  let next = 0;
  const lane = async () => {
    while (next < digits.length) {
      const i = next++;
      results[i] = await preprocessImage(await renderDrawnDigit(digits[i]));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return results;
}

/** Drawings as training images, bytes like MNIST's; a drawing the preprocessing finds empty has no digit to learn and is left out. */
export async function drawingsToImageSet(digits: readonly DrawnDigit[]): Promise<ImageSet> {
  const processed = await renderDrawings(digits);
  const kept = processed.flatMap((image, i) => (image.empty ? [] : [{ image, label: digits[i].label }]));
  const pixels = new Uint8Array(kept.length * IMAGE_PIXELS);
  kept.forEach(({ image }, i) => image.pixels.forEach((v, p) => (pixels[i * IMAGE_PIXELS + p] = Math.round(v * 255))));
  return { pixels, labels: Uint8Array.from(kept, (k) => k.label), count: kept.length };
}
