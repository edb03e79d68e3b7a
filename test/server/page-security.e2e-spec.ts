/// <reference lib="dom" />
/**
 * The page and the API docs under the server's security headers (helmet's Content-Security-Policy
 * and frame refusal) in a real Chromium: the built page connects, draws and gets its guess with
 * no policy violation, the placeholder page's inline script runs (allowed by its hash), Swagger
 * UI renders, and no other origin can frame the page.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser/support/chromium';
import { DigitPage } from '../browser/support/digit-page';
import { COMMITTED_MODEL_DIR, startPageServer } from '../browser/support/page-server';
import { startServer, type TestServer } from './support/test-server';

/** Every CSP violation the page reports, from the browser's own event. */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

describe('the page under the security headers', () => {
  let built: TestServer;
  let placeholder: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [built, placeholder, browser] = await Promise.all([
      startPageServer(),
      startServer({ modelDir: COMMITTED_MODEL_DIR }),
      launchChromium(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([built?.close(), placeholder?.close()]);
  });

  it('the built page connects, draws and shows its guess with no policy violation', async () => {
    const page = await browser.newPage();
    try {
      const violations = await recordViolations(page);
      const digits = new DigitPage(page);
      await digits.open(built.url);
      await digits.drawWithMouse([
        [
          { x: 200, y: 80 },
          { x: 200, y: 320 },
        ],
      ]);
      const guess = await digits.finalGuess();
      expect(guess.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("the placeholder page's inline script runs and connects", async () => {
    const page = await browser.newPage();
    try {
      const violations = await recordViolations(page);
      await page.goto(placeholder.url);
      await page.waitForFunction(
        () => /model |guess |empty canvas|connected/.test(document.getElementById('status')?.textContent ?? ''),
        undefined,
        {
          timeout: 20_000,
        },
      );
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('Swagger UI renders the API at /docs', async () => {
    const page = await browser.newPage();
    try {
      const violations = await recordViolations(page);
      await page.goto(`${built.url}/docs`);
      await page.waitForSelector('text=/predict', { timeout: 20_000 });
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('refuses to be framed by another origin', async () => {
    const page = await browser.newPage();
    try {
      // setContent resolves on the outer page's load, which waits for the frame's (refused or not).
      await page.setContent(`<iframe id="frame" src="${built.url}/"></iframe>`, { waitUntil: 'load', timeout: 30_000 });
      const frame = page.frames().find((candidate) => candidate.url().startsWith(built.url));
      // Framed, the page would mount its canvas within moments of loading.
      const framed = frame
        ? await frame.waitForSelector('[data-testid="canvas"]', { timeout: 5000 }).then(
            () => true,
            () => false,
          )
        : false;
      expect(framed).toBe(false);
    } finally {
      await page.close();
    }
  }, 60_000);
});
