/**
 * The preprocessing's transform between the submitted image and the model's 28×28 input (the
 * contract's InputPlacement): source pixel (x, y) → input pixel (x · scale + dx, y · scale + dy).
 * The page runs it backwards to lay the 28×28 saliency over the strokes that produced it.
 */
import type { InputPlacement } from '@live-digits/shared';
import type { Point } from './strokes';

/** Where a point of the submitted image lands on the model's input. */
export function sourceToInput({ x, y }: Point, { scale, dx, dy }: InputPlacement): Point {
  return { x: x * scale + dx, y: y * scale + dy };
}

/** Where a point of the model's input came from on the submitted image. */
export function inputToSource({ x, y }: Point, { scale, dx, dy }: InputPlacement): Point {
  return { x: (x - dx) / scale, y: (y - dy) / scale };
}

/**
 * The canvas transform (setTransform's a…f) that draws the 28×28 input plane onto a canvas showing
 * the source image at `pixelsPerSource` backing pixels per source pixel: input (u, v) lands on
 * ((u − dx) / scale, (v − dy) / scale) in source pixels, times `pixelsPerSource`.
 */
export function inputToCanvasMatrix(
  { scale, dx, dy }: InputPlacement,
  pixelsPerSource: number,
): [a: number, b: number, c: number, d: number, e: number, f: number] {
  const k = pixelsPerSource / scale;
  return [k, 0, 0, k, -dx * k, -dy * k];
}
