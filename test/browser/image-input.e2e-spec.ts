/// <reference lib="dom" />
/**
 * An image instead of a drawing, in a real Chromium against the real server and the committed
 * model: a PNG of a drawn digit chosen with the file control (by mouse, and by keyboard alone),
 * pasted, or dropped on the canvas is shown on the canvas and read like a drawing; files of the
 * wrong type or that cannot be decoded are refused with a message and break nothing.
 *
 * The images are MNIST test digits redrawn by the project's drawn-digit generator, rendered as
 * the browser would send them (black ink on a transparent 400×400 canvas).
 */
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { drawingPng, drawnDigits } from '../server/support/drawings';
import { sleep, type TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage } from './support/digit-page';
import { startPageServer } from './support/page-server';

/** A few digits of different shapes, one per test that needs one. */
const [SEVEN, TWO, FOUR, THREE] = [7, 2, 4, 3].map((label) => drawnDigits(20, 31).find((digit) => digit.label === label)!);

/** A point on the digit's ink, in canvas pixels: the middle sample of its longest stroke. */
function pointOnInk(digit: DrawnDigit) {
  const stroke = [...digit.strokes].sort((a, b) => b.length - a.length)[0];
  return stroke[stroke.length >> 1];
}

/** Pastes a file into the page the way the browser does: a `paste` event whose clipboard holds it. */
function paste(page: Page, file: { name: string; type: string; bytes: Buffer }): Promise<void> {
  return page.evaluate(
    ({ name, type, base64 }) => {
      const clipboardData = new DataTransfer();
      clipboardData.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    },
    { name: file.name, type: file.type, base64: file.bytes.toString('base64') },
  );
}

/** Drags a file over the canvas and drops it there: dragenter, dragover, drop, as the browser sends them. */
function drop(page: Page, file: { name: string; type: string; bytes: Buffer }): Promise<void> {
  return page.evaluate(
    ({ name, type, base64 }) => {
      const dataTransfer = new DataTransfer();
      dataTransfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      const canvas = document.querySelector('[data-testid="canvas"]')!;
      const { left, top, width, height } = canvas.getBoundingClientRect();
      const at = { clientX: left + width / 2, clientY: top + height / 2, bubbles: true, cancelable: true, dataTransfer };
      for (const kind of ['dragenter', 'dragover', 'drop']) canvas.dispatchEvent(new DragEvent(kind, at));
    },
    { name: file.name, type: file.type, base64: file.bytes.toString('base64') },
  );
}

describe('an image instead of a drawing', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sut: DigitPage;
  let crashes: Error[];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    page = await context.newPage();
    crashes = [];
    page.on('pageerror', (error) => crashes.push(error));
    sut = new DigitPage(page);
    await sut.open(server.url);
  });
  afterEach(async () => {
    await context.close();
    expect(crashes).toEqual([]);
  });

  it('reads a PNG chosen with the file control like a drawing, and shows it on the canvas', async () => {
    const upload = page.getByTestId('upload');
    await expect(upload.getAttribute('accept')).resolves.toBe('image/png,image/jpeg,image/webp');

    await upload.setInputFiles({ name: 'seven.png', mimeType: 'image/png', buffer: await drawingPng(SEVEN) });
    const guess = await sut.finalGuess();

    expect(guess.text).toBe('7');
    await expect(sut.inkAt([pointOnInk(SEVEN), { x: 2, y: 2 }])).resolves.toEqual([true, false]);
    await expect(page.getByTestId('guess-caption').textContent()).resolves.toMatch(/confident/);
    // It is the drawing now: Clear empties it, and drawing goes on over it.
    await expect(page.getByTestId('clear').isEnabled()).resolves.toBe(true);
    await page.getByTestId('clear').click();
    await expect(sut.inkPixelCount()).resolves.toBe(0);
    await expect(page.getByTestId('top-guess').textContent()).resolves.toBe('');
  });

  it('is the keyboard-only way in: the labelled control is reached with Tab and opened with Enter', async () => {
    // Listening from the start: playwright intercepts file dialogs only once it has told the browser to.
    const chooserOpens = page.waitForEvent('filechooser');
    let focused = '';
    for (let presses = 0; presses < 20 && focused !== 'upload'; presses++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    }
    expect(focused).toBe('upload');
    await expect(page.getByLabel('Open an image…').getAttribute('data-testid')).resolves.toBe('upload');
    // The focus is visible on the label that shows the control.
    const outline = await page.evaluate(() => getComputedStyle(document.querySelector('label[for="image-upload"]')!).outlineStyle);
    expect(outline).toBe('solid');

    await page.keyboard.press('Enter');
    const chooser = await chooserOpens;
    await chooser.setFiles({ name: 'two.png', mimeType: 'image/png', buffer: await drawingPng(TWO) });

    expect((await sut.finalGuess()).text).toBe('2');
  });

  it('reads an image pasted anywhere on the page', async () => {
    await paste(page, { name: 'image.png', type: 'image/png', bytes: await drawingPng(FOUR) });

    expect((await sut.finalGuess()).text).toBe('4');
    await expect(sut.inkAt([pointOnInk(FOUR)])).resolves.toEqual([true]);
  });

  it('reads an image dropped on the canvas: a photo-like JPEG, dark ink on light paper, not square', async () => {
    // The drawing flattened onto off-white paper and widened to 3 : 2, as a phone photo of a sketch might be.
    const jpeg = await sharp(await drawingPng(THREE))
      .flatten({ background: '#f2efe8' })
      .extend({ left: 100, right: 100, background: '#f2efe8' })
      .jpeg({ quality: 85 })
      .toBuffer();

    await drop(page, { name: 'photo.jpg', type: 'image/jpeg', bytes: jpeg });

    expect((await sut.finalGuess()).text).toBe('3');
    // Only the ink is shown, fitted with its aspect kept: the paper is not painted over the canvas.
    await expect(
      sut.inkAt([
        { x: 200, y: 10 },
        { x: 10, y: 200 },
      ]),
    ).resolves.toEqual([false, false]);
  });

  it('refuses a file of the wrong type with a clear message, and keeps the drawing and its guess', async () => {
    await sut.drawWithMouse(SEVEN.strokes);
    const before = await sut.finalGuess();
    const ink = await sut.inkPixelCount();

    await page.getByTestId('upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a seven') });

    await expect(page.getByTestId('image-error').textContent()).resolves.toBe('“notes.txt” is not a PNG, JPEG or WebP image.');
    await expect(page.getByTestId('image-error').getAttribute('role')).resolves.toBe('alert');
    await sleep(300);
    expect(await sut.shownGuess()).toEqual(before);
    await expect(sut.inkPixelCount()).resolves.toBe(ink);

    // The page goes on working: a good image replaces the drawing and the message goes.
    await page.getByTestId('upload').setInputFiles({ name: 'two.png', mimeType: 'image/png', buffer: await drawingPng(TWO) });
    await page.waitForSelector('[data-testid="top-guess"][data-final="true"]:text("2")');
    await expect(page.getByTestId('image-error').count()).resolves.toBe(0);
  });

  it('says so when an image cannot be decoded, whichever way it came', async () => {
    const broken = { name: 'broken.png', type: 'image/png', bytes: Buffer.from('\x89PNG\r\n\x1a\n not really') };

    await drop(page, broken);

    await expect(page.getByTestId('image-error').textContent()).resolves.toBe(
      '“broken.png” could not be read as an image; it may be damaged.',
    );
    await expect(page.getByTestId('top-guess').textContent()).resolves.toBe('');
    await expect(page.getByTestId('connection').getAttribute('data-status')).resolves.toBe('live');
  });
});
