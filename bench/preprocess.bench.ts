/**
 * Preprocessing speed on what the server receives: 400×400 canvas PNGs of drawn digits.
 * Reports median and p95 of `preprocessImage`, of `preprocessNumber` (the server's path, which
 * also looks for several digits) on the same one-digit canvases, and the ratio against a naive sharp chain
 * (trim → resize into 20×20 → extend to 28×28) timed in the same run: on a shared 2-core
 * machine the ratio means more than either absolute time.
 *
 *   npx ts-node --transpile-only bench/preprocess.bench.ts
 */
import sharp from 'sharp';
import { generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { preprocessImage, preprocessNumber } from '../libs/shared/src/preprocessing/preprocess';
import { percentile } from './support/stats';

const DRAWINGS = 200;
const ROUNDS = 3;

/** What one would write first with sharp alone; every step is another libvips pass over the image. */
async function naiveSharpChain(png: Buffer): Promise<Buffer> {
  return sharp(png)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .negate()
    .trim()
    .resize(20, 20, { fit: 'contain', background: '#000000' })
    .extend({ top: 4, bottom: 4, left: 4, right: 4, background: '#000000' })
    .raw()
    .toBuffer();
}

async function timings(images: Buffer[], run: (png: Buffer) => Promise<unknown>): Promise<number[]> {
  for (const png of images.slice(0, 20)) await run(png); // warm up JIT and libvips caches
  const milliseconds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const png of images) {
      const start = process.hrtime.bigint();
      await run(png);
      milliseconds.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return milliseconds.sort((a, b) => a - b);
}

export async function benchPreprocessing(): Promise<void> {
  const mnist = readMnistSplit(bundledMnistDir(), 'train');
  const images = await Promise.all(generateDrawnDigits(mnist, DRAWINGS, 2024).map((digit) => renderDrawnDigit(digit)));

  const ours = await timings(images, (png) => preprocessImage(png));
  const asNumber = await timings(images, (png) => preprocessNumber(png));
  const naive = await timings(images, naiveSharpChain);
  const line = (name: string, sorted: number[]) =>
    `  ${name.padEnd(18)} median ${percentile(sorted, 50).toFixed(2)} ms   p95 ${percentile(sorted, 95).toFixed(2)} ms`;
  console.log(`preprocessing: ${DRAWINGS} drawn 400×400 PNGs × ${ROUNDS} rounds`);
  console.log(line('preprocessImage', ours));
  console.log(line('preprocessNumber', asNumber));
  console.log(line('naive sharp chain', naive));
  console.log(
    `  reading the canvas as a number costs ${(percentile(asNumber, 50) - percentile(ours, 50)).toFixed(3)} ms more a one-digit frame (medians, same run)`,
  );
  console.log(
    `  preprocessImage is ${(percentile(naive, 50) / percentile(ours, 50)).toFixed(1)}× faster than the naive chain (medians, same run)`,
  );
}

if (require.main === module) {
  benchPreprocessing().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
