/**
 * Numbers for server tests and the bench: drawn digits (support/drawings.ts) written side by
 * side on one canvas, as a person writes "2026", rendered as the browser would send them.
 */
import sharp from 'sharp';
import type { DrawnDigit, Point } from '@live-digits/digit-data/drawn-digits/drawn-digits';

export interface NumberLayout {
  /** Canvas size in pixels. */
  width: number;
  height: number;
  /** Height of each digit's ink (pen centre line), in canvas pixels. */
  digitHeight: number;
  /** Blank space between one digit's ink and the next, in canvas pixels (pen width not included). */
  gap: number;
}

/** Kept between the ink's centre line and the canvas' edge. */
const MARGIN = 30;

export const WIDE_CANVAS: NumberLayout = { width: 800, height: 400, digitHeight: 200, gap: 60 };

/** The digits' strokes, each scaled to `digitHeight` and placed left to right, centred on the canvas. */
export function numberStrokes(digits: DrawnDigit[], layout: NumberLayout): DrawnDigit[] {
  const fitted = digits.map((digit) => {
    const points = digit.strokes.flat();
    const left = Math.min(...points.map((p) => p.x)),
      top = Math.min(...points.map((p) => p.y));
    const scale = layout.digitHeight / (Math.max(...points.map((p) => p.y)) - top);
    const width = (Math.max(...points.map((p) => p.x)) - left) * scale;
    return { digit, left, top, scale, width };
  });
  const total = fitted.reduce((sum, f) => sum + f.width, 0) + layout.gap * (digits.length - 1);
  // A long number on a narrow canvas is written smaller, as a person would, keeping a pen's margin.
  const shrink = Math.min(1, (layout.width - 2 * MARGIN) / total);
  let x = (layout.width - total * shrink) / 2;
  const y = (layout.height - layout.digitHeight * shrink) / 2;
  return fitted.map(({ digit, left, top, scale, width }) => {
    const place = (p: Point): Point => ({ x: round1(x + (p.x - left) * scale * shrink), y: round1(y + (p.y - top) * scale * shrink) });
    const placed = { ...digit, strokes: digit.strokes.map((stroke) => stroke.map(place)) };
    x += (width + layout.gap) * shrink;
    return placed;
  });
}

/** Drawn strokes (already placed) on one transparent canvas, each digit with its own pen, as a PNG. */
export function renderStrokes(digits: DrawnDigit[], { width, height }: Pick<NumberLayout, 'width' | 'height'>): Promise<Buffer> {
  const groups = digits
    .map(
      (digit) =>
        `<g fill="none" stroke="black" stroke-width="${digit.penWidth}" stroke-linecap="round" stroke-linejoin="round">` +
        digit.strokes.map((stroke) => `<polyline points="${stroke.map((p) => `${p.x},${p.y}`).join(' ')}"/>`).join('') +
        '</g>',
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${groups}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A number written with the given digits, as the PNG a page would send. */
export function numberPng(digits: DrawnDigit[], layout: NumberLayout = WIDE_CANVAS): Promise<Buffer> {
  return renderStrokes(numberStrokes(digits, layout), layout);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
