/**
 * Frames as the server reads them: the drawing (image and strokes) black on a transparent canvas of
 * the drawing's size (whatever the screen's size, pixel ratio or colour scheme), exported as PNG
 * bytes; and one digit of it, cut out by the box the server found, for "Wrong?" feedback.
 */
import type { PixelBox } from '@live-digits/shared';
import { renderDrawing, sizeOf, type DrawingContent } from './strokes';

/** Room around a digit's crop, as a share of its longer side, so the digit is not cut at its edges. */
export const DIGIT_CROP_MARGIN = 0.2;

/** The square cut around a box: centred on it, its longer side plus the margin on each side. */
export function digitCropSquare(box: PixelBox, margin = DIGIT_CROP_MARGIN): { x: number; y: number; side: number } {
  const [x, y, width, height] = box;
  const side = Math.max(1, Math.round(Math.max(width, height) * (1 + 2 * margin)));
  return { x: Math.round(x + width / 2 - side / 2), y: Math.round(y + height / 2 - side / 2), side };
}

/** The whole drawing. */
export type PngEncoder = (content: DrawingContent) => Promise<ArrayBuffer>;

/** One digit: only the ink inside its box (a neighbour's ink in the margin stays out), on a transparent square. */
export type DigitCropEncoder = (content: DrawingContent, box: PixelBox) => Promise<ArrayBuffer>;

function pngOf(canvas: HTMLCanvasElement): Promise<ArrayBuffer> {
  // toBlob copies the bitmap now, so the canvas is free for the next frame straight away.
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? blob.arrayBuffer().then(resolve, reject) : reject(new Error('The drawing could not be encoded.'))),
      'image/png',
    ),
  );
}

function canvas2d(): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw on a canvas.');
  return { canvas, ctx };
}

function render(target: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D }, content: DrawingContent, penWidth: number): void {
  const { width, height } = sizeOf(content);
  if (target.canvas.width !== width) target.canvas.width = width;
  if (target.canvas.height !== height) target.canvas.height = height;
  renderDrawing(target.ctx, content, { penWidth, ink: '#000', scale: 1, width, height });
}

export function createPngEncoder(penWidth: number): PngEncoder {
  const frame = canvas2d();
  return (content) => {
    render(frame, content, penWidth);
    return pngOf(frame.canvas);
  };
}

export function createDigitCropEncoder(penWidth: number): DigitCropEncoder {
  const whole = canvas2d();
  const crop = canvas2d();
  return (content, box) => {
    render(whole, content, penWidth);
    const square = digitCropSquare(box);
    crop.canvas.width = crop.canvas.height = square.side;
    crop.ctx.save();
    crop.ctx.beginPath();
    crop.ctx.rect(box[0] - square.x, box[1] - square.y, box[2], box[3]);
    crop.ctx.clip();
    crop.ctx.drawImage(whole.canvas, -square.x, -square.y);
    crop.ctx.restore();
    return pngOf(crop.canvas);
  };
}
