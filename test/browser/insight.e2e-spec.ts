/// <reference lib="dom" />
/**
 * "Inside the network" in a real Chromium against the real server (issue 12): the panel opens
 * and closes (remembered), frames ask for insight only while it is open, every layer's maps are
 * drawn from the served model's activations, the saliency lies over the ink, "why not 7?" and a
 * feature map shown large. Screenshots of the panel (light and dark) go to test/artifacts/.
 */
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { drawnDigits } from '../server/support/drawings';
import { sleep, type TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage } from './support/digit-page';
import { startPageServer } from './support/page-server';

const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const DIGIT = drawnDigits(10, 21).find((d) => d.label === 3)!;

/** The `frame` events the page sent, as their JSON (Socket.IO puts the binary image in a frame of its own). */
function recordFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"frame"')) frames.push(payload);
    }),
  );
  return frames;
}

/** For each layer canvas: how many of its pixels are brighter than the colour scale's zero (an activation above 0). */
function layerActivity(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="insight-layer"]'), (canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let active = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] > 12) active++;
      return { layer: canvas.dataset.layer ?? '', kind: canvas.dataset.kind ?? '', active, pixels: canvas.width * canvas.height };
    }),
  );
}

/**
 * The saliency overlay against the drawing, pixel by pixel at the same backing size: how much of
 * the ink the heat covers, and how dense the heat is on the ink and off it.
 */
function heatOverInk(page: Page) {
  return page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const drawing = document.querySelector<HTMLCanvasElement>('[data-testid="canvas"]')!;
    const overlay = document.querySelector<HTMLCanvasElement>('[data-testid="saliency-overlay"]')!;
    const ink = drawing.getContext('2d')!.getImageData(0, 0, drawing.width, drawing.height).data;
    const heat = overlay.getContext('2d')!.getImageData(0, 0, overlay.width, overlay.height).data;
    let inkPixels = 0;
    let heatOnInk = 0;
    let heatOffInk = 0;
    for (let i = 3; i < ink.length; i += 4) {
      if (ink[i] > 128) {
        inkPixels++;
        heatOnInk += heat[i];
      } else heatOffInk += heat[i];
    }
    const pixels = ink.length / 4;
    return {
      sameSize: drawing.width === overlay.width && drawing.height === overlay.height,
      inkPixels,
      heatOnInkPerPixel: heatOnInk / Math.max(1, inkPixels),
      heatOffInkPerPixel: heatOffInk / Math.max(1, pixels - inkPixels),
    };
  });
}

async function waitForInsight(page: Page, digit?: number): Promise<void> {
  const selector = digit === undefined ? '[data-testid="insight"]:not([data-digit=""])' : `[data-testid="insight"][data-digit="${digit}"]`;
  await page.waitForSelector(selector, { timeout: 10_000 });
  await page.waitForSelector('[data-testid="insight-layer"]', { timeout: 10_000 });
}

describe('inside the network, on the page', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let frames: string[];
  let sut: DigitPage;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    page = await context.newPage();
    frames = recordFrames(page);
    sut = new DigitPage(page);
    await sut.open(server.url);
  });
  afterEach(() => context.close());

  it('is closed at first, and frames ask for no insight', async () => {
    await expect(page.getByTestId('insight').count()).resolves.toBe(0);
    await expect(page.getByTestId('insight-toggle').getAttribute('aria-expanded')).resolves.toBe('false');

    await sut.drawWithMouse(DIGIT.strokes);
    await sut.finalGuess();

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((frame) => frame.includes('"insight"'))).toEqual([]);
    await expect(page.getByTestId('saliency-overlay').count()).resolves.toBe(0);
  });

  it('opened, shows every layer of the served model live and lays the saliency over the ink', async () => {
    await page.getByTestId('insight-toggle').click();
    await sut.drawWithMouse(DIGIT.strokes);
    const guess = await sut.finalGuess();
    await waitForInsight(page, Number(guess.text));

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((frame) => frame.includes('"insight":true'))).toBe(true);

    const layers = await layerActivity(page);
    expect(layers.map((l) => l.kind)).toEqual(expect.arrayContaining(['conv', 'dense']));
    for (const layer of layers) expect(layer.active).toBeGreaterThan(0);

    const heat = await heatOverInk(page);
    expect(heat.sameSize).toBe(true);
    expect(heat.inkPixels).toBeGreaterThan(0);
    expect(heat.heatOnInkPerPixel).toBeGreaterThan(0);
    // The heat sits on the strokes: far denser on the ink than off it.
    expect(heat.heatOnInkPerPixel).toBeGreaterThan(3 * heat.heatOffInkPerPixel);

    await sleep(300);
    await page.getByTestId('insight').screenshot({ path: path.join(ARTIFACTS, 'insight-panel.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'insight-page.png'), fullPage: true });
  });

  it('remembers the panel across visits, and closing it stops asking', async () => {
    await page.getByTestId('insight-toggle').click();
    await page.reload();
    await sut.waitForStatus('live');
    await expect(page.getByTestId('insight').count()).resolves.toBe(1);

    await page.getByTestId('insight-toggle').click();
    await expect(page.getByTestId('insight').count()).resolves.toBe(0);
    frames.length = 0;
    await sut.drawWithMouse(DIGIT.strokes);
    await sut.finalGuess();

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((frame) => frame.includes('"insight"'))).toEqual([]);
  });

  it('"why not 7?": choosing the 7 row shows the saliency for 7; hiding the heat empties the overlay', async () => {
    await page.getByTestId('insight-toggle').click();
    await sut.drawWithMouse(DIGIT.strokes);
    const guess = await sut.finalGuess();
    await waitForInsight(page, Number(guess.text));
    const other = guess.text === '7' ? 1 : 7;

    await page.getByTestId(`explain-${other}`).click();
    await waitForInsight(page, other);

    expect(frames.at(-1)).toContain(`"insight":{"digit":${other}}`);
    await expect(page.getByTestId('insight').textContent()).resolves.toContain(`Why not ${other}?`);

    await page.getByTestId('saliency-toggle').uncheck();
    await expect(page.getByTestId('saliency-overlay').count()).resolves.toBe(0);
  });

  it('shows a feature map large with its layer name when the pointer rests on it', async () => {
    await page.getByTestId('insight-toggle').click();
    await sut.drawWithMouse(DIGIT.strokes);
    await sut.finalGuess();
    await waitForInsight(page);
    const conv = page.locator('[data-testid="insight-layer"][data-kind="conv"]').first();
    const name = await conv.getAttribute('data-layer');
    const box = (await conv.boundingBox())!;

    await page.mouse.move(box.x + 2, box.y + 2); // the first map's top-left corner

    await expect(page.getByTestId('insight-detail-caption').textContent()).resolves.toContain(`${name} · map`);
  });

  it('is readable in dark mode and on a phone: nothing wider than the screen', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    try {
      const phonePage = await phone.newPage();
      const onPhone = new DigitPage(phonePage);
      await onPhone.open(server.url);
      await phonePage.getByTestId('insight-toggle').click();
      await onPhone.drawWithFinger(DIGIT.strokes);
      await onPhone.finalGuess();
      await waitForInsight(phonePage);

      expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await sleep(300);
      await phonePage.getByTestId('insight').screenshot({ path: path.join(ARTIFACTS, 'insight-panel-phone-dark.png') });
    } finally {
      await phone.close();
    }
  });
});
