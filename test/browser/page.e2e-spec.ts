/// <reference lib="dom" />
/**
 * Drawing on the page in a real Chromium against the real server: the empty state, Clear and
 * Undo (buttons and keys), Predict, and a phone-sized touch screen with a 3× pixel ratio.
 */
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { drawnDigits } from '../server/support/drawings';
import { sleep, type TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage, type ShownGuess } from './support/digit-page';
import { framesReceived, startPageServer } from './support/page-server';

const ARTIFACTS = path.resolve(__dirname, '../artifacts');

/** Two strokes that do not touch: a vertical bar on the left, a horizontal one on the right. */
const BAR = [
  { x: 120, y: 90 },
  { x: 120, y: 310 },
];
const DASH = [
  { x: 220, y: 200 },
  { x: 330, y: 200 },
];
const middle = (stroke: { x: number; y: number }[]) => ({ x: (stroke[0].x + stroke[1].x) / 2, y: (stroke[0].y + stroke[1].y) / 2 });

function expectEmptyState(guess: ShownGuess): void {
  expect(guess.text).toBe('');
  expect(guess.probabilities).toEqual(Array(10).fill(0));
}

describe('the drawing page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  describe('with a mouse on a desktop screen', () => {
    let context: BrowserContext;
    let page: Page;
    let sut: DigitPage;

    beforeEach(async () => {
      context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      page = await context.newPage();
      sut = new DigitPage(page);
      await sut.open(server.url);
    });
    afterEach(() => context.close());

    it('starts in the empty state and sends nothing for an empty canvas', async () => {
      const before = await framesReceived(server);

      await expect(page.getByTestId('predict').isDisabled()).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await sleep(400);

      expectEmptyState(await sut.shownGuess());
      await expect(page.getByTestId('preview').getAttribute('src')).resolves.toMatch(/^data:image\/gif/);
      expect(await framesReceived(server)).toBe(before);
    });

    it.each(['the Clear button', 'Escape'])('%s resets to the empty state and sends nothing more', async (how) => {
      await sut.drawWithMouse(drawnDigits(1, 11)[0].strokes);
      await sut.finalGuess();
      expect(await sut.inkPixelCount()).toBeGreaterThan(0);

      const before = await framesReceived(server);
      if (how === 'Escape') await page.keyboard.press('Escape');
      else await page.getByTestId('clear').click();
      await sleep(400);

      expectEmptyState(await sut.shownGuess());
      expect(await sut.inkPixelCount()).toBe(0);
      await expect(page.getByTestId('preview').getAttribute('src')).resolves.toMatch(/^data:image\/gif/);
      await expect(page.getByTestId('clear').isDisabled()).resolves.toBe(true);
      expect(await framesReceived(server)).toBe(before);
    });

    it('Undo removes the last stroke and the guess follows; Ctrl+Z removes the one before', async () => {
      await sut.drawWithMouse([BAR, DASH]);
      const both = await sut.finalGuess();
      expect(await sut.inkAt([middle(BAR), middle(DASH)])).toEqual([true, true]);

      await page.getByTestId('undo').click();
      const barOnly = await sut.finalGuess();
      expect(await sut.inkAt([middle(BAR), middle(DASH)])).toEqual([true, false]);
      expect(barOnly.seq).toBeGreaterThan(both.seq);
      expect(barOnly.text).not.toBe('');

      await page.keyboard.press('Control+z');
      await page.waitForSelector('[data-testid="top-guess"][data-seq="0"]', { state: 'attached' });
      expect(await sut.inkAt([middle(BAR)])).toEqual([false]);
      expectEmptyState(await sut.shownGuess());
    });

    it('Predict sends the drawing again and shows the answer', async () => {
      await sut.drawWithMouse(drawnDigits(1, 12)[0].strokes);
      const first = await sut.finalGuess();

      await page.getByTestId('predict').click();
      await page.waitForFunction(
        (seq) => Number(document.querySelector('[data-testid="top-guess"]')!.getAttribute('data-seq')) > seq,
        first.seq,
      );
      const again = await sut.finalGuess();

      expect(again.seq).toBeGreaterThan(first.seq);
      expect(again.text).toBe(first.text);
    });

    it('is operable from the keyboard: Tab reaches the buttons, Enter presses them', async () => {
      await sut.drawWithMouse([BAR, DASH]);
      await sut.finalGuess();

      await page.getByTestId('undo').focus();
      await page.keyboard.press('Enter');
      await sut.finalGuess();
      expect(await sut.inkAt([middle(DASH)])).toEqual([false]);
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('clear');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="top-guess"][data-seq="0"]', { state: 'attached' });
    });
  });

  it('draws with a finger on a phone-sized touch screen, sharp at 3× pixel ratio, without scrolling the page', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    try {
      const page = await context.newPage();
      const sut = new DigitPage(page);
      await sut.open(server.url);
      const digit = drawnDigits(10, 21).find((d) => d.label === 0)!;

      await sut.drawWithFinger(digit.strokes);
      const guess = await sut.finalGuess();

      const layout = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="canvas"]')!;
        const rect = canvas.getBoundingClientRect();
        // How far anything sticks out of the card it sits in (≤ 0: nothing does).
        const overflow = Math.max(
          ...Array.from(document.querySelectorAll('section'), (card) => {
            const edge = card.getBoundingClientRect().right;
            return Math.max(...Array.from(card.querySelectorAll('*'), (element) => element.getBoundingClientRect().right - edge));
          }),
        );
        return {
          overflow,
          cssWidth: rect.width,
          backingWidth: canvas.width,
          scrollY: window.scrollY,
          pageWidth: document.documentElement.scrollWidth,
        };
      });
      expect(layout.cssWidth).toBeLessThanOrEqual(390);
      expect(layout.backingWidth).toBe(Math.round(layout.cssWidth * 3));
      expect(layout.scrollY).toBe(0);
      expect(layout.pageWidth).toBeLessThanOrEqual(390);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      await sleep(400); // let the bars finish gliding
      await page.screenshot({ path: path.join(ARTIFACTS, 'client-phone-dark.png'), fullPage: true });
      expect(guess.text).toBe('0');
    } finally {
      await context.close();
    }
  });

  it('shows a frame error from the server as a short message and keeps working', async () => {
    // A server allowing 2 frames a second, and a page streaming every 16 ms: most frames are refused.
    // A long stroke at that rate may count as a flood and be disconnected; the page then reconnects
    // at once (no cool-down here: this test is about showing the refusals).
    const strict = await startPageServer({ rateLimitFps: 2, floodCooldownSeconds: 0 });
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const crashes: Error[] = [];
    page.on('pageerror', (error) => crashes.push(error));
    try {
      const sut = new DigitPage(page);
      await sut.open(`${strict.url}/?interval=16`);

      await sut.drawWithMouse(drawnDigits(1, 13)[0].strokes);

      // RATE_LIMITED, shown as the server words it: "too many frames", or, once a long stroke has
      // used up the flood allowance, that the connection is being cut for sending far above the rate.
      await expect(page.getByTestId('frame-error').textContent()).resolves.toMatch(/too many frames|far above the 2 per second/i);
      await page.getByTestId('frame-error').waitFor({ state: 'detached', timeout: 10_000 });
      await sut.waitForStatus('live'); // reconnected, if it was cut off
      await sleep(1000); // the limit refills
      await page.getByTestId('predict').click();
      expect((await sut.finalGuess()).text).not.toBe('');
      await expect(page.getByTestId('connection').getAttribute('data-status')).resolves.toBe('live');
      expect(crashes).toEqual([]);
    } finally {
      await page.close();
      await strict.close();
    }
  });
});
