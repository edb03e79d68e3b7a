/**
 * The drawing's two shapes: the square default (the shared contract's CANVAS_SIZE, for one digit
 * or a short number) and a wide one for longer numbers. Frames are the whole drawing at its size,
 * so the server reads the digits in the same pixels the strokes were drawn in.
 */
import { CANVAS_SIZE } from '@live-digits/shared';

export interface DrawingSize {
  width: number;
  height: number;
}

export type CanvasMode = 'square' | 'wide';

export const CANVAS_MODES: readonly CanvasMode[] = ['square', 'wide'];

export const DRAWING_SIZES: Readonly<Record<CanvasMode, Readonly<DrawingSize>>> = {
  square: { width: CANVAS_SIZE, height: CANVAS_SIZE },
  // Twice as wide, as tall: the pen keeps its size relative to a digit, and "2026" gets room.
  wide: { width: 2 * CANVAS_SIZE, height: CANVAS_SIZE },
};

export const SQUARE_DRAWING = DRAWING_SIZES.square;
