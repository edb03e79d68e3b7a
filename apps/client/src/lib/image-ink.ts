/**
 * An uploaded, pasted or dropped image turned into part of the drawing: fitted into the square
 * canvas (aspect kept, centred) and reduced to its ink, as alpha on a transparent canvas.
 *
 * Why ink and not the picture itself: the server tells ink from background by the image's border
 * (`inkPlane` in libs/shared/src/preprocessing). A photo of a digit on paper letterboxed into the
 * canvas would get a transparent border, and the server would read the whole sheet as ink. Reading
 * the ink here, by the same rule on the image's own border, makes the frame exactly what a drawing
 * is (black ink on transparent) and shows it on screen as ink in either colour scheme: what you see
 * is what the server reads.
 */
import { CANVAS_SIZE, type InkImage } from './strokes';

/** The image formats the server decodes; anything else is refused before it is read. */
export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/**
 * Side of the square an image is fitted into: twice the drawing's pixels, so it stays sharp on a
 * 2× screen; frames scale it down to 400 like everything else.
 */
export const INK_IMAGE_SIDE = 2 * CANVAS_SIZE;

export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a `width` × `height` image goes in a `side`-pixel square: as large as fits, aspect kept, centred. */
export function fitInSquare(width: number, height: number, side: number): Placement {
  const scale = side / Math.max(width, height);
  const fitted = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  return { x: Math.round((side - fitted.width) / 2), y: Math.round((side - fitted.height) / 2), ...fitted };
}

/** Luma (Rec. 601, ×256) of an RGBA pixel composited over white: the server's `greyOverWhite`. */
function greyOverWhite(rgba: Uint8ClampedArray, offset: number): number {
  const luma = (77 * rgba[offset] + 150 * rgba[offset + 1] + 29 * rgba[offset + 2]) >> 8;
  const alpha = rgba[offset + 3];
  return alpha === 255 ? luma : ((luma * alpha + 255 * (255 - alpha) + 127) / 255) | 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * Rewrites RGBA pixels in place as black ink whose alpha is how much ink each pixel holds, by the
 * server's rule: with a mostly transparent border, ink is what was painted (alpha); with an opaque
 * one, it is the distance from the border's median grey, darker than a light background or
 * lighter than a dark one (a white pen on black, an MNIST image).
 */
export function toInk(rgba: Uint8ClampedArray, width: number, height: number): void {
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) border.push(y * width, y * width + width - 1);

  const transparent = border.filter((i) => rgba[i * 4 + 3] < 128).length;
  const fromAlpha = transparent > border.length / 2;
  const background = fromAlpha ? 0 : median(border.map((i) => greyOverWhite(rgba, i * 4)));
  const sign = background >= 128 ? -1 : 1;
  for (let o = 0; o < rgba.length; o += 4) {
    const ink = fromAlpha ? rgba[o + 3] : Math.max(0, sign * (greyOverWhite(rgba, o) - background));
    rgba[o] = rgba[o + 1] = rgba[o + 2] = 0;
    rgba[o + 3] = ink;
  }
}

/**
 * Decodes an image file in the browser and returns its ink, fitted into an INK_IMAGE_SIDE square
 * (transparent around it). Rejects when the browser cannot decode it.
 */
export async function decodeInkImage(file: Blob): Promise<InkImage> {
  const bitmap = await createImageBitmap(file);
  try {
    if (bitmap.width === 0 || bitmap.height === 0) throw new Error('The image is empty.');
    const place = fitInSquare(bitmap.width, bitmap.height, INK_IMAGE_SIDE);
    // The ink is read at the fitted size, on the image alone: its own border decides what is background.
    const fitted = canvas(place.width, place.height);
    fitted.ctx.drawImage(bitmap, 0, 0, place.width, place.height);
    const pixels = fitted.ctx.getImageData(0, 0, place.width, place.height);
    toInk(pixels.data, place.width, place.height);
    const square = canvas(INK_IMAGE_SIDE, INK_IMAGE_SIDE);
    square.ctx.putImageData(pixels, place.x, place.y);
    return square.element;
  } finally {
    bitmap.close();
  }
}

function canvas(width: number, height: number) {
  const element = document.createElement('canvas');
  element.width = width;
  element.height = height;
  const ctx = element.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('This browser cannot draw on a canvas.');
  return { element, ctx };
}
