/**
 * Numbers for server tests and the bench: drawn digits (support/drawings.ts) written side by
 * side on one canvas, as a person writes "2026", rendered as the browser would send them. The
 * layout and the render are the drawn-number generator's (libs/digit-data).
 */
import type { DrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { renderPens } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { digitsInRow, RowLayout } from '@live-digits/digit-data/drawn-digits/drawn-numbers';

export type NumberLayout = RowLayout;

export const WIDE_CANVAS: NumberLayout = { width: 800, height: 400, digitHeight: 200, gap: 60 };

/** The digits' strokes, each scaled to `digitHeight` and placed left to right, centred on the canvas. */
export const numberStrokes = digitsInRow;

/** Drawn strokes (already placed) on one transparent canvas, each digit with its own pen, as a PNG. */
export function renderStrokes(digits: DrawnDigit[], canvas: Pick<NumberLayout, 'width' | 'height'>): Promise<Buffer> {
  return renderPens(digits, canvas);
}

/** A number written with the given digits, as the PNG a page would send. */
export function numberPng(digits: DrawnDigit[], layout: NumberLayout = WIDE_CANVAS): Promise<Buffer> {
  return renderStrokes(numberStrokes(digits, layout), layout);
}
