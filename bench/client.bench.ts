/// <reference lib="dom" />
/**
 * `npm run bench:client` — the page's own figures, measured in one run:
 *
 *   size     gzipped JS + CSS of the built client (target ≤ 60 kB)
 *   latency  pointer-up → final guess on screen, in headless Chromium against the real server on
 *            loopback (target p50 ≤ 50 ms): digits drawn with real mouse events, timed inside the
 *            page from the pointerup event to the frame that paints the final guess
 *
 * Uses the committed model (models/digit-net), or an untrained one of the same architecture when
 * none is committed yet (timing does not depend on the weights). Figures are printed and written to
 * bench/results/client.json. Flag: --drawings N (≤ 200, default 40).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { drawnDigits } from '../test/server/support/drawings';
import { saveThrowawayModel } from '../test/server/support/model-fixtures';
import { buildClient } from '../test/browser/support/client-build';
import { launchChromium } from '../test/browser/support/chromium';
import { DigitPage } from '../test/browser/support/digit-page';
import { COMMITTED_MODEL_DIR, startPageServer } from '../test/browser/support/page-server';
import { latencySummary, numberFlag } from './support/stats';

const ROOT = path.resolve(__dirname, '..');
const SIZE_TARGET_KB = 60;
const LATENCY_TARGET_P50_MS = 50;

async function bundleSize() {
  const dist = await buildClient();
  const assets = readdirSync(path.join(dist, 'assets')).filter((name) => /\.(js|css)$/.test(name));
  const files = assets.map((name) => {
    const bytes = readFileSync(path.join(dist, 'assets', name));
    return { name, rawKb: bytes.length / 1024, gzipKb: gzipSync(bytes, { level: 9 }).length / 1024 };
  });
  const totalGzipKb = files.reduce((sum, file) => sum + file.gzipKb, 0);
  console.log('client bundle (gzip -9)');
  for (const file of files)
    console.log(`  ${file.name.padEnd(28)} ${file.rawKb.toFixed(1).padStart(7)} kB raw  ${file.gzipKb.toFixed(1).padStart(6)} kB gzip`);
  console.log(`  total JS + CSS ${totalGzipKb.toFixed(1)} kB gzip (target ≤ ${SIZE_TARGET_KB} kB)`);
  return { files, totalGzipKb: Math.round(totalGzipKb * 10) / 10 };
}

interface Sample {
  /** pointerup → the final guess in the DOM. */
  domMs: number;
  /** pointerup → the animation frame that paints it. */
  paintMs: number;
}

async function pointerUpToGuess(drawings: number) {
  const hasModel = existsSync(path.join(COMMITTED_MODEL_DIR, 'model.json'));
  const scratch = hasModel ? undefined : await mkdtemp(path.join(tmpdir(), 'bench-client-'));
  if (scratch) await saveThrowawayModel(scratch, 1, 'untrained-bench-model');
  const server = await startPageServer({ modelDir: scratch ?? COMMITTED_MODEL_DIR });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const sut = new DigitPage(page);
    await sut.open(server.url);
    // Timed in the page: the last pointerup, then the moment data-final turns "true" and the next frame.
    await page.evaluate(() => {
      const bench = { upAt: 0, samples: [] as Array<{ domMs: number; paintMs: number }> };
      (window as unknown as { bench: typeof bench }).bench = bench;
      const canvas = document.querySelector('[data-testid="canvas"]')!;
      const guess = document.querySelector('[data-testid="top-guess"]')!;
      canvas.addEventListener('pointerup', () => (bench.upAt = performance.now()), { capture: true });
      new MutationObserver(() => {
        if (guess.getAttribute('data-final') !== 'true' || !bench.upAt) return;
        const upAt = bench.upAt;
        const domAt = performance.now();
        bench.upAt = 0;
        requestAnimationFrame(() => bench.samples.push({ domMs: domAt - upAt, paintMs: performance.now() - upAt }));
      }).observe(guess, { attributes: true, attributeFilter: ['data-final'] });
    });

    const digits = drawnDigits(drawings, 777);
    for (const digit of digits.slice(0, 3)) {
      await sut.drawWithMouse(digit.strokes); // warm-up: JIT, model, socket
      await sut.finalGuess();
      await page.keyboard.press('Escape');
    }
    await page.evaluate(() => ((window as unknown as { bench: { samples: unknown[] } }).bench.samples.length = 0));
    for (const digit of digits) {
      await sut.drawWithMouse(digit.strokes);
      await sut.finalGuess();
      await page.keyboard.press('Escape');
    }
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const samples = await page.evaluate(() => (window as unknown as { bench: { samples: Sample[] } }).bench.samples);
    const dom = latencySummary(samples.map((s) => s.domMs));
    const paint = latencySummary(samples.map((s) => s.paintMs));
    console.log(
      `pointer-up → final guess, ${drawings} drawings (${samples.length} pen-ups answered before the next stroke), ${hasModel ? 'committed model' : 'untrained model (none committed)'}`,
    );
    console.log(`  in the DOM        p50 ${dom.p50} ms  p95 ${dom.p95} ms  max ${dom.max} ms`);
    console.log(
      `  painted on screen p50 ${paint.p50} ms  p95 ${paint.p95} ms  max ${paint.max} ms (target p50 ≤ ${LATENCY_TARGET_P50_MS} ms)`,
    );
    return { model: hasModel ? 'committed' : 'untrained', drawings, dom, paint };
  } finally {
    await browser.close();
    await server.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const size = await bundleSize();
  console.log('');
  const latency = await pointerUpToGuess(numberFlag('drawings', 40, 200, { integer: true }));
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(
    path.join(ROOT, 'bench/results/client.json'),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, size, latency }, null, 2),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
