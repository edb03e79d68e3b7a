/// <reference lib="dom" />
/**
 * The page in a real Chromium against the real server and the committed model: digits drawn with
 * real mouse events along the strokes of the project's drawn-digit generator (MNIST test digits,
 * which the model never trained on), recognised while drawing and at pen-up.
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readModelMetadata } from '@live-digits/shared/model/model-files';
import { drawnDigits } from '../server/support/drawings';
import { sleep, type TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage } from './support/digit-page';
import { COMMITTED_MODEL_DIR, startPageServer } from './support/page-server';

const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const DRAWINGS = 30;
const REQUIRED_RIGHT = 28;

describe('the page recognising drawn digits', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let sut: DigitPage;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    sut = new DigitPage(page);
    await sut.open(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => page.keyboard.press('Escape'));

  it(`recognises at least ${REQUIRED_RIGHT} of ${DRAWINGS} drawings of all ten digits, with ten probabilities summing to 1`, async () => {
    const digits = drawnDigits(DRAWINGS, 4242);
    expect(new Set(digits.map((d) => d.label)).size).toBe(10);

    const misses: string[] = [];
    for (const [i, digit] of digits.entries()) {
      await page.keyboard.press('Escape');
      await sut.drawWithMouse(digit.strokes);
      const guess = await sut.finalGuess();

      const sum = guess.probabilities.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 4);
      for (const p of guess.probabilities) expect(p >= 0 && p <= 1).toBe(true);
      expect(guess.text).toBe(String(guess.probabilities.indexOf(Math.max(...guess.probabilities))));
      if (guess.text !== String(digit.label)) misses.push(`#${i} (MNIST test ${digit.source}): a ${digit.label} read as ${guess.text}`);
    }

    await sleep(400); // let the bars finish gliding
    await page.screenshot({ path: path.join(ARTIFACTS, 'client-desktop.png') });
    const right = DRAWINGS - misses.length;
    if (right < REQUIRED_RIGHT) throw new Error(`${right} of ${DRAWINGS} right; missed ${misses.join('; ')}`);
    expect(right).toBeGreaterThanOrEqual(REQUIRED_RIGHT);
  }, 240_000);

  it('updates the guess while the pen moves, then settles on the final guess at pen-up', async () => {
    const [digit] = drawnDigits(10, 99).filter((d) => d.label === 8);
    await page.evaluate(() => {
      const guess = document.querySelector('[data-testid="top-guess"]')!;
      const seen: Array<{ seq: string | null; final: string | null }> = [];
      (window as unknown as { guessesSeen: typeof seen }).guessesSeen = seen;
      new MutationObserver(() => seen.push({ seq: guess.getAttribute('data-seq'), final: guess.getAttribute('data-final') })).observe(
        guess,
        {
          attributes: true,
          attributeFilter: ['data-seq'],
        },
      );
    });

    await sut.drawWithMouse(digit.strokes);
    const final = await sut.finalGuess();
    const seen = await page.evaluate(
      () => (window as unknown as { guessesSeen: Array<{ seq: string | null; final: string | null }> }).guessesSeen,
    );

    const liveUpdates = seen.filter((s) => s.final === 'false' && Number(s.seq) > 0);
    expect(liveUpdates.length).toBeGreaterThan(0);
    const seqs = seen.map((s) => Number(s.seq)).filter((seq) => seq > 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(final.seq).toBe(seqs.at(-1));
  }, 60_000);

  it('shows the model being served and a round-trip time', async () => {
    const metadata = await readModelMetadata(COMMITTED_MODEL_DIR);
    expect(metadata).not.toBeNull();
    const modelId = metadata!.modelId;
    const [digit] = drawnDigits(1, 5);

    await sut.drawWithMouse(digit.strokes);
    await sut.finalGuess();

    await expect(page.getByTestId('model').textContent()).resolves.toContain(modelId);
    await expect(page.getByTestId('latency').textContent()).resolves.toMatch(/round trip \d+ ms/);
    await expect(page.getByTestId('preview').getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
  });
});
