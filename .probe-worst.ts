import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { readMnistSplit, bundledMnistDir } from './libs/shared/src/mnist/mnist-files';
import { generateDrawnDigits, renderDrawnDigit } from './libs/shared/src/drawn-digits/drawn-digits';
import { preprocessImage, encodePreviewPng } from './libs/shared/src/preprocessing/preprocess';
const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => { const n = a.length; let ma = 0, mb = 0; for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; } ma /= n; mb /= n; let sab = 0, saa = 0, sbb = 0; for (let i = 0; i < n; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; } return sab / Math.sqrt(saa * sbb); };
(async () => {
  const split = (process.argv[2] ?? 't10k') as 'train' | 't10k';
  const set = readMnistSplit(bundledMnistDir(), split);
  const digits = generateDrawnDigits(set, Number(process.argv[3] ?? 200), 3);
  const scored = [];
  for (const d of digits) {
    const pre = await preprocessImage(await renderDrawnDigit(d));
    scored.push({ d, pre, c: corr(pre.pixels, set.images.pixels.subarray(d.source * 784, d.source * 784 + 784)) });
  }
  scored.sort((a, b) => a.c - b.c);
  const T = 112, tiles: any[] = [];
  for (const [i, { d, pre, c }] of scored.slice(0, 15).entries()) {
    const orig = Buffer.from(set.images.pixels.subarray(d.source * 784, d.source * 784 + 784));
    const parts = [
      await sharp(orig, { raw: { width: 28, height: 28, channels: 1 } }).resize(T, T, { kernel: 'nearest' }).png().toBuffer(),
      await sharp(await renderDrawnDigit(d, 'white')).resize(T, T).png().toBuffer(),
      await sharp(await encodePreviewPng(pre.pixels)).resize(T, T, { kernel: 'nearest' }).png().toBuffer(),
    ];
    parts.forEach((p, k) => tiles.push({ input: p, left: (i % 5) * (3 * T + 16) + k * (T + 2), top: Math.floor(i / 5) * (T + 4) }));
    console.log(i, d.label, d.source, c.toFixed(2), d.strokes.length);
  }
  writeFileSync('/tmp/pp/worst.png', await sharp({ create: { width: 5 * (3 * T + 16), height: 3 * (T + 4), channels: 3, background: '#c00' } }).composite(tiles).png().toBuffer());
})();
