/// <reference lib="dom" />
/**
 * The page as a test drives it: draws with real input events (mouse through page.mouse, fingers
 * through CDP touch events) along stroke data in canvas pixels, and reads the `data-testid` hooks.
 */
import type { CDPSession, Page } from 'playwright-core';
import { CANVAS_SIZE } from '@live-digits/shared';
import type { Point } from '@live-digits/digit-data/drawn-digits/drawn-digits';

/** A pointer sample every few canvas pixels, like a hand moving a mouse at a steady pace. */
const SAMPLE_SPACING = 8;
const FINAL_GUESS_TIMEOUT_MS = 10_000;

export interface ShownGuess {
  /** The text of `top-guess`: a digit, or '' when there is none. */
  text: string;
  seq: number;
  probabilities: number[];
}

export interface ShownNumber {
  /** The text of `number`: the digits read, e.g. "2026". */
  text: string;
  digits: { text: string; confidence: string }[];
  /** Each digit's box on the canvas, in canvas pixels: [x, y, width, height]. */
  boxes: number[][];
}

export class DigitPage {
  private touch: CDPSession | undefined;

  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitForStatus('live');
  }

  /** The drawing's size in canvas pixels: 400×400, or 800×400 on the wide canvas. */
  async drawingSize(): Promise<{ width: number; height: number }> {
    const canvas = this.page.getByTestId('canvas');
    const [width, height] = await Promise.all([canvas.getAttribute('data-width'), canvas.getAttribute('data-height')]);
    return { width: Number(width ?? CANVAS_SIZE), height: Number(height ?? CANVAS_SIZE) };
  }

  /** Viewport coordinates of a point in canvas pixels, wherever and however large the canvas is shown. */
  private async toViewport(): Promise<(p: Point) => Point> {
    // Input outside the viewport is lost: bring the canvas into view if a click further down scrolled it away.
    await this.page.getByTestId('canvas').scrollIntoViewIfNeeded();
    const box = await this.page.getByTestId('canvas').boundingBox();
    if (!box) throw new Error('The canvas is not on screen.');
    const size = await this.drawingSize();
    return (p) => ({ x: box.x + (p.x * box.width) / size.width, y: box.y + (p.y * box.height) / size.height });
  }

  /** Each stroke as mouse down, moves along the path, mouse up. */
  async drawWithMouse(strokes: Point[][]): Promise<void> {
    const at = await this.toViewport();
    const mouse = this.page.mouse;
    for (const stroke of strokes) {
      const start = at(stroke[0]);
      await mouse.move(start.x, start.y);
      await mouse.down();
      for (let i = 1; i < stroke.length; i++) {
        const to = at(stroke[i]);
        await mouse.move(to.x, to.y, { steps: Math.max(1, Math.ceil(distance(stroke[i - 1], stroke[i]) / SAMPLE_SPACING)) });
      }
      await mouse.up();
    }
  }

  /** Each stroke as one finger's touchStart, touchMoves and touchEnd (the browser makes them pointer events). */
  async drawWithFinger(strokes: Point[][]): Promise<void> {
    this.touch ??= await this.page.context().newCDPSession(this.page);
    const at = await this.toViewport();
    const send = (type: 'touchStart' | 'touchMove' | 'touchEnd', point?: Point) =>
      this.touch!.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: point ? [{ ...point, id: 1, radiusX: 4, radiusY: 4, force: 1 }] : [],
      });
    for (const stroke of strokes) {
      await send('touchStart', at(stroke[0]));
      for (let i = 1; i < stroke.length; i++) {
        const steps = Math.max(1, Math.ceil(distance(stroke[i - 1], stroke[i]) / SAMPLE_SPACING));
        for (let s = 1; s <= steps; s++) {
          const t = s / steps;
          await send(
            'touchMove',
            at({ x: stroke[i - 1].x + (stroke[i].x - stroke[i - 1].x) * t, y: stroke[i - 1].y + (stroke[i].y - stroke[i - 1].y) * t }),
          );
        }
      }
      await send('touchEnd');
    }
  }

  /** Waits until the guess shown answers the finished drawing as it is now (after pen-up, Undo, Predict, reconnecting). */
  async finalGuess(timeout = FINAL_GUESS_TIMEOUT_MS): Promise<ShownGuess> {
    await this.page.waitForSelector('[data-testid="top-guess"][data-final="true"]', { state: 'attached', timeout });
    return this.shownGuess();
  }

  /** Waits for the answer to the finished drawing and returns the number shown, with each digit's box in canvas pixels. */
  async finalNumber(timeout = FINAL_GUESS_TIMEOUT_MS): Promise<ShownNumber> {
    await this.page.waitForSelector('[data-testid="number"][data-final="true"]', { state: 'attached', timeout });
    return this.shownNumber();
  }

  async shownNumber(): Promise<ShownNumber> {
    return this.page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="canvas"]')!;
      const frame = canvas.getBoundingClientRect();
      const scale = Number(canvas.dataset.width) / frame.width;
      const boxes = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="digit-box"]'), (box) => {
        const rect = box.getBoundingClientRect();
        return [(rect.left - frame.left) * scale, (rect.top - frame.top) * scale, rect.width * scale, rect.height * scale];
      });
      const digits = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="number-digit"]'), (digit) => ({
        text: digit.textContent?.trim() ?? '',
        confidence: digit.dataset.confidence ?? '',
      }));
      return { text: document.querySelector('[data-testid="number"]')!.textContent ?? '', digits, boxes };
    });
  }

  async shownGuess(): Promise<ShownGuess> {
    return this.page.evaluate(() => {
      const guess = document.querySelector<HTMLElement>('[data-testid="top-guess"]')!;
      const probabilities = Array.from({ length: 10 }, (_, d) =>
        Number(document.querySelector(`[data-testid="prob-${d}"]`)!.getAttribute('data-value')),
      );
      return { text: guess.textContent ?? '', seq: Number(guess.dataset.seq), probabilities };
    });
  }

  async waitForStatus(status: 'connecting' | 'live' | 'reconnecting' | 'offline', timeout = 20_000): Promise<void> {
    await this.page.waitForSelector(`[data-testid="connection"][data-status="${status}"]`, { timeout });
  }

  /** Whether the on-screen canvas has ink at a point (in canvas pixels), once the next frame has painted. */
  async inkAt(points: Point[]): Promise<boolean[]> {
    return this.page.evaluate(async (points) => {
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="canvas"]')!;
      const scale = canvas.width / Number(canvas.dataset.width ?? 400);
      const ctx = canvas.getContext('2d')!;
      return points.map((p) => ctx.getImageData(Math.round(p.x * scale), Math.round(p.y * scale), 1, 1).data[3] > 0);
    }, points);
  }

  /** Ink pixels on the on-screen canvas. */
  async inkPixelCount(): Promise<number> {
    return this.page.evaluate(async () => {
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="canvas"]')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
      return count;
    });
  }
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}
