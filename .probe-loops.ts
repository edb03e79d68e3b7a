import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { readMnistSplit, bundledMnistDir } from './libs/shared/src/mnist/mnist-files';
import { strokesFromMnist, renderDrawnDigit } from './libs/shared/src/drawn-digits/drawn-digits';
import { preprocessImage, encodePreviewPng } from './libs/shared/src/preprocessing/preprocess';
import { SeededRandom } from './libs/shared/src/random';
(async () => {
  const set = readMnistSplit(bundledMnistDir(), 't10k');
  const random = new SeededRandom(1);
  const picked: number[] = [];
  const log = console.log; let loops = 0;
  console.log = (...a: unknown[]) => { if (a[0] === 'LOOP') loops++; else log(...a); };
  const N = Number(process.argv[2] ?? 1000);
  const list = process.argv[3] ? process.argv[3].split(',').map(Number) : null;
  for (let k = 0; k < N; k++) {
    const idx = list ? list[k] : k; if (idx === undefined) break;
    loops = 0;
    strokesFromMnist(set.images.pixels.subarray(idx * 784, idx * 784 + 784), set.labels[idx], idx, random);
    if (loops || list) picked.push(idx);
  }
  console.log = log;
  console.log('with loops', picked.length, 'of', N, picked.slice(0, 40).join(','));
  const T = 84, tiles: any[] = [];
  for (const [i, idx] of picked.slice(0, 40).entries()) {
    const d = strokesFromMnist(set.images.pixels.subarray(idx * 784, idx * 784 + 784), set.labels[idx], idx, new SeededRandom(idx));
    const pre = await preprocessImage(await renderDrawnDigit(d));
    const parts = [
      await sharp(Buffer.from(set.images.pixels.subarray(idx * 784, idx * 784 + 784)), { raw: { width: 28, height: 28, channels: 1 } }).resize(T, T, { kernel: 'nearest' }).png().toBuffer(),
      await sharp(await encodePreviewPng(pre.pixels)).resize(T, T, { kernel: 'nearest' }).png().toBuffer(),
    ];
    parts.forEach((p, k) => tiles.push({ input: p, left: (i % 8) * (2 * T + 10) + k * (T + 2), top: Math.floor(i / 8) * (T + 4) }));
  }
  writeFileSync('/tmp/pp/loops.png', await sharp({ create: { width: 8 * (2 * T + 10), height: 5 * (T + 4), channels: 3, background: '#c00' } }).composite(tiles).png().toBuffer());
})();
