import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { readMnistSplit, bundledMnistDir } from './libs/shared/src/mnist/mnist-files';
import { generateDrawnDigits, renderDrawnDigit } from './libs/shared/src/drawn-digits/drawn-digits';
import { preprocessImage, encodePreviewPng } from './libs/shared/src/preprocessing/preprocess';
(async () => {
  const set = readMnistSplit(bundledMnistDir(), 'train');
  const seed = Number(process.argv[2] ?? 1), count = Number(process.argv[3] ?? 20);
  const t = Date.now();
  const digits = generateDrawnDigits(set.images as any === undefined ? (null as any) : set, count, seed);
  console.log('generate ms', Date.now() - t, 'strokes', digits.map((d) => d.strokes.length).join(','));
  const T = 112, rows: any[] = [];
  for (const [i, d] of digits.entries()) {
    const orig = Buffer.from(set.images.pixels.subarray(d.source * 784, d.source * 784 + 784));
    const png = await renderDrawnDigit(d, 'white');
    const pre = await preprocessImage(await renderDrawnDigit(d));
    const tiles = [
      await sharp(orig, { raw: { width: 28, height: 28, channels: 1 } }).resize(T, T, { kernel: 'nearest' }).png().toBuffer(),
      await sharp(png).resize(T, T).png().toBuffer(),
      await sharp(await encodePreviewPng(pre.pixels)).resize(T, T, { kernel: 'nearest' }).png().toBuffer(),
    ];
    const col = i % 5, row = Math.floor(i / 5);
    tiles.forEach((tile, k) => rows.push({ input: tile, left: col * (3 * T + 16) + k * (T + 2), top: row * (T + 4) }));
  }
  const grid = await sharp({ create: { width: 5 * (3 * T + 16), height: Math.ceil(digits.length / 5) * (T + 4), channels: 3, background: '#c00' } }).composite(rows).png().toBuffer();
  writeFileSync(`/tmp/pp/dd-${seed}.png`, grid);
})();
