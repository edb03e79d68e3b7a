/// <reference lib="dom" />
/**
 * The page telling the truth about confidence, in a real Chromium against the real server and the
 * committed model: a clear digit is called confidently, and a drawing the model reads below 60%
 * is shown as a question between its two leading digits ("4 or 9?").
 *
 * The doubtful drawing is found, not hard-coded: an open-topped 4 morphs point by point into a 9
 * (the pair the issue names), and bisecting on where the page's guess turns from 4 to 9 closes in
 * on the drawing where the two are equally likely, so each is below 60% whatever model is served.
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Point } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { UNSURE_BELOW } from '../../apps/client/src/composables/useConfidence';
import type { TestServer } from '../server/support/test-server';
import { launchChromium } from './support/chromium';
import { DigitPage, type ShownGuess } from './support/digit-page';
import { startPageServer } from './support/page-server';

const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const POINTS_PER_STROKE = 40;
const BISECTION_STEPS = 8;

/** `path` as `count` points evenly spaced along it. */
function resampled(path: Point[], count: number): Point[] {
  const along = [0];
  for (let i = 1; i < path.length; i++) along.push(along[i - 1] + Math.hypot(path[i].x - path[i - 1].x, path[i].y - path[i - 1].y));
  const total = along[along.length - 1];
  return Array.from({ length: count }, (_, k) => {
    const at = (k / (count - 1)) * total;
    let i = 1;
    while (i < path.length - 1 && along[i] < at) i++;
    const t = (at - along[i - 1]) / (along[i] - along[i - 1] || 1);
    return { x: path[i - 1].x + (path[i].x - path[i - 1].x) * t, y: path[i - 1].y + (path[i].y - path[i - 1].y) * t };
  });
}

/** A 4 with an open top: the arm and the bar in one stroke, then the stem. In canvas pixels. */
const FOUR = [
  [
    { x: 150, y: 90 },
    { x: 130, y: 230 },
    { x: 290, y: 230 },
  ],
  [
    { x: 245, y: 90 },
    { x: 245, y: 330 },
  ],
].map((stroke) => resampled(stroke, POINTS_PER_STROKE));

/** A 9: the loop in one stroke, then the stem. */
const NINE = [
  Array.from({ length: 30 }, (_, k) => {
    const angle = -0.3 + (2 * Math.PI * k) / 29;
    return { x: 195 + 60 * Math.cos(angle), y: 155 - 65 * Math.sin(angle) };
  }),
  [
    { x: 250, y: 110 },
    { x: 245, y: 330 },
  ],
].map((stroke) => resampled(stroke, POINTS_PER_STROKE));

/** The drawing a fraction `t` of the way from the 4 (0) to the 9 (1), point by point. */
const fourToNine = (t: number): Point[][] =>
  FOUR.map((stroke, s) => stroke.map((p, k) => ({ x: p.x + (NINE[s][k].x - p.x) * t, y: p.y + (NINE[s][k].y - p.y) * t })));

const topOf = (guess: ShownGuess) => Math.max(...guess.probabilities);
const leadingTwo = (guess: ShownGuess) => {
  const p = guess.probabilities;
  return [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, 2);
};

describe('the page saying how sure the network is', () => {
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

  /** Draws on a cleared canvas and waits for the answer to the finished drawing. */
  async function draw(strokes: Point[][]): Promise<ShownGuess> {
    await page.keyboard.press('Escape');
    await sut.drawWithMouse(strokes);
    return sut.finalGuess();
  }

  const shown = async () => ({
    certainty: await page.getByTestId('guess').getAttribute('data-certainty'),
    answer: (await page.getByTestId('guess-answer').textContent())?.trim(),
    caption: await page.getByTestId('guess-caption').textContent(),
  });

  it('calls a clear digit confidently, with the digit alone', async () => {
    const guess = await draw(fourToNine(0));
    expect(guess.text).toBe('4');
    expect(topOf(guess)).toBeGreaterThanOrEqual(UNSURE_BELOW);
    await page.screenshot({ path: path.join(ARTIFACTS, 'client-confident.png') });

    await expect(shown()).resolves.toEqual({
      certainty: 'sure',
      answer: '4',
      caption: `confident · ${Math.round(topOf(guess) * 100)}%`,
    });
  });

  it('asks "X or Y?" between the two leading digits for a drawing between a 4 and a 9 that the model reads below 60%', async () => {
    const [four, nine] = [await draw(fourToNine(0)), await draw(fourToNine(1))];
    expect([four.text, nine.text]).toEqual(['4', '9']);

    const readings: string[] = [];
    let [low, high] = [0, 1];
    let doubtful: ShownGuess | undefined;
    for (let step = 0; step < BISECTION_STEPS && !doubtful; step++) {
      const t = (low + high) / 2;
      const guess = await draw(fourToNine(t));
      readings.push(`t=${t.toFixed(3)}: ${guess.text} at ${topOf(guess).toFixed(3)}`);
      if (topOf(guess) < UNSURE_BELOW) doubtful = guess;
      else if (guess.text === four.text) low = t;
      else high = t;
    }
    if (!doubtful) throw new Error(`No drawing between the 4 and the 9 was read below ${UNSURE_BELOW}: ${readings.join('; ')}`);

    const [first, second] = leadingTwo(doubtful);
    await page.screenshot({ path: path.join(ARTIFACTS, 'client-unsure.png') });
    await expect(shown()).resolves.toEqual({
      certainty: 'unsure',
      answer: `${first} or ${second}?`,
      caption: `not sure · ${Math.round(topOf(doubtful) * 100)}%`,
    });
    expect(first).toBe(Number(doubtful.text));
  }, 120_000);
});
