/**
 * A number to draw on the page: held-out MNIST digits (the drawn-digit generator's strokes) set
 * side by side at one height, with a gap between them, centred on a canvas of the given size.
 */
import type { Point } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { digitsInRow, pathBox } from '@live-digits/digit-data/drawn-digits/drawn-numbers';
import { drawnDigits } from '../../server/support/drawings';

export interface DrawnNumber {
  text: string;
  strokes: Point[][];
  /** Where each digit's pen path lies, left to right, in canvas pixels: [x, y, width, height] (the pen's width not included). */
  boxes: [number, number, number, number][];
  /** How many of `strokes` each digit has, left to right. */
  strokesPerDigit: number[];
}

export interface NumberLayout {
  /** The drawing's size in canvas pixels. */
  width: number;
  height: number;
  /** Height of each digit's pen path. */
  digitHeight: number;
  /** Space between one digit's path and the next, as a share of the digit height. */
  gap?: number;
  seed?: number;
}

export function numberStrokes(text: string, { width, height, digitHeight, gap = 0.3, seed = 7 }: NumberLayout): DrawnNumber {
  const pool = drawnDigits(30, seed);
  const used = new Map<number, number>();
  const digits = [...text].map((character) => {
    const label = Number(character);
    // A different source image for a digit that repeats ("2026" has two 2s).
    const nth = used.get(label) ?? 0;
    used.set(label, nth + 1);
    return pool.filter((d) => d.label === label)[nth];
  });
  const placed = digitsInRow(digits, { width, height, digitHeight, gap: gap * digitHeight });
  return {
    text,
    strokes: placed.flatMap((digit) => digit.strokes),
    boxes: placed.map((digit) => {
      const { left, top, width: w, height: h } = pathBox(digit);
      return [left, top, w, h];
    }),
    strokesPerDigit: placed.map((digit) => digit.strokes.length),
  };
}
