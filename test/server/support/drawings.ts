/**
 * Realistic drawings for server tests: MNIST test digits redrawn with a canvas pen by the
 * project's drawn-digit generator, rendered as the browser would send them (400×400 PNG).
 */
import sharp from 'sharp';
import { CANVAS_SIZE } from '@live-digits/shared';
import { DrawnDigit, generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';

let mnistTest: ReturnType<typeof readMnistSplit> | undefined;

/** `count` drawings, labels 0–9 in turn, from MNIST's test split (digits no model trained on). */
export function drawnDigits(count: number, seed: number): DrawnDigit[] {
  mnistTest ??= readMnistSplit(bundledMnistDir(), 't10k');
  return generateDrawnDigits(mnistTest, count, seed);
}

export function drawingPng(digit: DrawnDigit): Promise<Buffer> {
  return renderDrawnDigit(digit);
}

/**
 * The drawing as it grows while the pen moves: frame k of n holds the first k/n of the pen's
 * points, stroke after stroke; the last frame is the whole digit.
 */
export async function growingFrames(digit: DrawnDigit, count: number): Promise<Buffer[]> {
  const total = digit.strokes.reduce((sum, stroke) => sum + stroke.length, 0);
  const frames: Buffer[] = [];
  for (let k = 1; k <= count; k++) {
    let budget = Math.max(1, Math.ceil((k / count) * total));
    const strokes = [];
    for (const stroke of digit.strokes) {
      if (budget <= 0) break;
      strokes.push(stroke.slice(0, Math.max(2, budget)));
      budget -= stroke.length;
    }
    frames.push(await renderDrawnDigit({ ...digit, strokes }));
  }
  return frames;
}

/** An untouched canvas of the page's size (transparent, as the browser's default). */
export function blankCanvasPng(): Promise<Buffer> {
  return sharp({ create: { width: CANVAS_SIZE, height: CANVAS_SIZE, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer();
}

export function dataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
