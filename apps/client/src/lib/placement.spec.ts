import type { InputPlacement } from '@live-digits/shared';
import { inputToCanvasMatrix, inputToSource, sourceToInput } from './placement';

/**
 * A known crop: ink from (100, 50) to (300, 350) on a 400×400 drawing, 300 px tall, fitted into
 * MNIST's 20 px box (scale 20 / 300) with its centre (200, 200) moved to the input's centre (14, 14).
 */
const SCALE = 20 / 300;
const PLACEMENT: InputPlacement = { scale: SCALE, dx: 14 - 200 * SCALE, dy: 14 - 200 * SCALE };
const INK_CORNERS = [
  { x: 100, y: 50 },
  { x: 300, y: 50 },
  { x: 100, y: 350 },
  { x: 300, y: 350 },
];

describe('placement', () => {
  it('puts the crop in the middle 20 px of the 28×28 input, as the preprocessing does', () => {
    const corners = INK_CORNERS.map((p) => sourceToInput(p, PLACEMENT));

    expect(sourceToInput({ x: 200, y: 200 }, PLACEMENT)).toEqual({ x: 14, y: 14 });
    for (const corner of corners) {
      // 300 px tall → 20 px tall: from row 4 to row 24; 200 px wide → 13⅓ px, centred.
      expect(Math.min(Math.abs(corner.y - 4), Math.abs(corner.y - 24))).toBeLessThan(1e-9);
      expect(Math.min(Math.abs(corner.x - (14 - 20 / 3)), Math.abs(corner.x - (14 + 20 / 3)))).toBeLessThan(1e-9);
    }
  });

  it('runs backwards to the very pixels it came from (round trip)', () => {
    for (const p of [...INK_CORNERS, { x: 0, y: 0 }, { x: 123.5, y: 321.25 }]) {
      const back = inputToSource(sourceToInput(p, PLACEMENT), PLACEMENT);
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
    }
    // The input's corners land outside the ink, around it: the saliency plane covers more than the crop.
    const near = inputToSource({ x: 0, y: 0 }, PLACEMENT);
    expect(near.x).toBeCloseTo(-10, 9);
    expect(near.y).toBeCloseTo(-10, 9);
    const far = inputToSource({ x: 28, y: 28 }, PLACEMENT);
    expect(far.x).toBeCloseTo(410, 9);
    expect(far.y).toBeCloseTo(410, 9);
  });

  it('gives the canvas transform that draws input pixels where they came from, at any backing scale', () => {
    const [a, b, c, d, e, f] = inputToCanvasMatrix(PLACEMENT, 2.5); // a 400 px drawing on a 1000 px backing store

    for (const input of [
      { x: 4, y: 4 },
      { x: 14, y: 20 },
      { x: 27, y: 1 },
    ]) {
      const source = inputToSource(input, PLACEMENT);
      expect(a * input.x + c * input.y + e).toBeCloseTo(source.x * 2.5, 9);
      expect(b * input.x + d * input.y + f).toBeCloseTo(source.y * 2.5, 9);
    }
  });
});
