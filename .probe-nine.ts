import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { strokesFromMnist, renderDrawnDigit } from './libs/shared/src/drawn-digits/drawn-digits';
import { preprocessImage, encodePreviewPng } from './libs/shared/src/preprocessing/preprocess';
import { SeededRandom } from './libs/shared/src/random';
(async () => {
  const nine = Uint8Array.from({ length: 784 }, (_, i) => { const x = i % 28, y = Math.floor(i / 28); return Math.hypot(x - 14, y - 9) <= 5 || (x >= 17 && x <= 18 && y >= 9 && y <= 24) ? 255 : 0; });
  const d = strokesFromMnist(nine, 9, 0, new SeededRandom(3));
  console.log(d.strokes.length, d.strokes.map((s) => s.length), d.penWidth);
  const pre = await preprocessImage(await renderDrawnDigit(d));
  const tiles = [
    await sharp(Buffer.from(nine), { raw: { width: 28, height: 28, channels: 1 } }).resize(200, 200, { kernel: 'nearest' }).png().toBuffer(),
    await sharp(await renderDrawnDigit(d, 'white')).resize(200, 200).png().toBuffer(),
    await sharp(await encodePreviewPng(pre.pixels)).resize(200, 200, { kernel: 'nearest' }).png().toBuffer(),
  ];
  writeFileSync('/tmp/pp/nine.png', await sharp({ create: { width: 610, height: 200, channels: 3, background: '#c00' } }).composite(tiles.map((t, i) => ({ input: t, left: i * 205, top: 0 }))).png().toBuffer());
})();
