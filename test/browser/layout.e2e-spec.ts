/// <reference lib="dom" />
/**
 * The page's layout in a real Chromium: nothing moves when the first answer (and its round-trip
 * line) arrives, on a desktop screen or a phone, and nothing is wider than a phone's screen or cut
 * off on it. Screenshots of both phone widths go to test/artifacts/.
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { drawnDigits } from '../server/support/drawings';
import { sleep, type TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage } from './support/digit-page';
import { startPageServer } from './support/page-server';

const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const DIGIT = drawnDigits(10, 21).find((d) => d.label === 8)!;

/** Where the canvas and the two cards of the right column (on a phone: above and below the canvas) are. */
function boxes(page: Page) {
  return page.evaluate(() => {
    const box = (selector: string) => {
      const { x, y, width, height } = document.querySelector(selector)!.getBoundingClientRect();
      return { x, y, width, height };
    };
    return {
      canvas: box('[data-testid="canvas"]'),
      guess: box('.card--guess'),
      results: box('.card--results'),
    };
  });
}

/**
 * What sticks out: elements whose box reaches past the viewport's sides, and elements that clip
 * their own content sideways (an ellipsis, a hidden overflow). Visually hidden text is meant to be clipped.
 */
function overflowing(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (element.closest('.visually-hidden') || element.matches('input[type="file"]')) continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      const name = `${element.tagName.toLowerCase()}.${element.className || element.dataset.testid || ''}`;
      if (rect.left < -0.5 || rect.right > width + 0.5) found.push(`${name} spans ${rect.left}–${rect.right} of ${width}`);
      const style = getComputedStyle(element);
      if (style.overflowX !== 'visible' && element.scrollWidth > element.clientWidth + 1) {
        found.push(`${name} clips ${element.scrollWidth - element.clientWidth}px of its content`);
      }
    }
    return { pageWidth: document.documentElement.scrollWidth, width, found };
  });
}

describe('the page layout', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps the right column where it is when the first guess and its round-trip line appear', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    try {
      const sut = new DigitPage(page);
      await sut.open(server.url);
      await page.getByTestId('model').waitFor();
      const before = await boxes(page);

      await sut.drawWithMouse(DIGIT.strokes);
      await sut.finalGuess();
      await page.getByTestId('latency').waitFor();

      const after = await boxes(page);
      expect(after.guess.x).toBeGreaterThan(after.canvas.x + after.canvas.width); // two columns
      expect(after).toEqual(before);
    } finally {
      await page.close();
    }
  });

  it.each([
    { width: 360, height: 740 },
    { width: 390, height: 844 },
  ])('fits a $width × $height phone: nothing moves under the finger, nothing is wider than the screen or cut off', async (viewport) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      const sut = new DigitPage(page);
      await sut.open(server.url);
      await page.getByTestId('model').waitFor();
      const before = await boxes(page);
      expect(await overflowing(page)).toEqual({ pageWidth: viewport.width, width: viewport.width, found: [] });

      await sut.drawWithFinger(DIGIT.strokes);
      await sut.finalGuess();
      await page.getByTestId('latency').waitFor();
      expect(await boxes(page)).toEqual(before);

      // A message below the canvas (which moves only what is below it) must fit too.
      await page
        .getByTestId('upload')
        .setInputFiles({ name: 'a-rather-long-file-name-for-a-phone.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
      await page.getByTestId('image-error').waitFor();
      expect(await overflowing(page)).toEqual({ pageWidth: viewport.width, width: viewport.width, found: [] });
      await sleep(400); // let the bars finish gliding
      await page.screenshot({ path: path.join(ARTIFACTS, `page-${viewport.width}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
