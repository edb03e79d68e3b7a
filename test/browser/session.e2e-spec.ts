/**
 * A session across the server going away and coming back, and feedback reaching the server's
 * feedback folder: the page in a real Chromium, the real server on a loopback port.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { labelsFiles } from '@live-digits/shared/labelled-images/labelled-folder';
import { drawnDigits } from '../server/support/drawings';
import type { TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage } from './support/digit-page';
import { startPageServer } from './support/page-server';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('a drawing session', () => {
  let feedbackDir: string;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let sut: DigitPage;

  beforeAll(async () => {
    feedbackDir = await mkdtemp(path.join(tmpdir(), 'browser-feedback-'));
    [server, browser] = await Promise.all([startPageServer({ feedbackDir }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    sut = new DigitPage(page);
    await sut.open(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(feedbackDir, { recursive: true, force: true });
  });
  afterEach(() => page.keyboard.press('Escape'));

  it('sends feedback for a drawing and the server stores it as a labelled example', async () => {
    const digit = drawnDigits(10, 31).find((d) => d.label === 4)!;
    await sut.drawWithMouse(digit.strokes);
    const guess = await sut.finalGuess();

    await page.getByTestId('feedback-4').click();
    await page.waitForSelector('[data-testid="feedback-status"]:has-text("Saved as a 4")');

    // Each server process appends to its own labels file; the folder's format module finds it.
    const [labelsFile] = await labelsFiles(feedbackDir);
    const csv = (await readFile(path.join(feedbackDir, labelsFile), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('file,label,predicted,created');
    const [file, label, predicted] = csv.at(-1)!.split(',');
    expect(label).toBe('4');
    expect(predicted).toBe(guess.text);
    expect((await readFile(path.join(feedbackDir, file))).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(await readdir(feedbackDir)).toContain(file);
    await expect(page.getByTestId('feedback-4').isDisabled()).resolves.toBe(true);
  });

  it('shows reconnecting while the server is down, keeps drawing, then is live again and predicts the drawing', async () => {
    const port = Number(new URL(server.url).port);
    const [first, drawnOffline] = drawnDigits(10, 41).filter((d) => d.label === 2 || d.label === 5);
    await sut.drawWithMouse(first.strokes);
    const before = await sut.finalGuess();

    await server.close();
    await sut.waitForStatus('reconnecting', 5000);
    // Offline, the pad still draws; nothing can be guessed yet.
    await page.keyboard.press('Escape');
    await sut.drawWithMouse(drawnOffline.strokes);
    expect(await sut.inkPixelCount()).toBeGreaterThan(0);

    server = await startPageServer({ feedbackDir, port });
    await sut.waitForStatus('live');
    // The page sends the drawing as it is on reconnecting.
    const after = await sut.finalGuess();
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(after.text).not.toBe('');

    // And the stream resumes for new ink.
    await page.keyboard.press('Escape');
    await sut.drawWithMouse(first.strokes);
    const resumed = await sut.finalGuess();
    expect(resumed.seq).toBeGreaterThan(after.seq);
    expect(resumed.text).toBe(before.text);
  }, 60_000);
});
