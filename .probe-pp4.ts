import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { preprocessImage, encodePreviewPng } from './libs/shared/src/preprocessing/preprocess';
function two({ width = 24, colour = 'black', dx = 0, dy = 0, size = 1 } = {}): string {
  const d = 'M150 100 C 250 80, 260 160, 200 200 S 120 320, 260 300';
  return `<path transform="translate(${dx} ${dy}) scale(${size})" d="${d}" fill="none" stroke="${colour}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"/>`;
}
(async () => {
  const bodies = [two({ size: 0.05, width: 40 }), two({ width: 4 }), two({ width: 48 }), two({ width: 24 })];
  const tiles = [];
  for (const b of bodies) {
    const png = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="100%" height="100%" fill="white"/>${b}</svg>`)).jpeg({quality: 70}).toBuffer();
    const r = await preprocessImage(png);
    tiles.push(await sharp(await encodePreviewPng(r.pixels)).resize(140, 140, { kernel: 'nearest' }).png().toBuffer());
  }
  const grid = await sharp({ create: { width: 580, height: 140, channels: 3, background: 'red' } }).composite(tiles.map((t, i) => ({ input: t, left: i * 146, top: 0 }))).png().toBuffer();
  writeFileSync('/tmp/pp/grid.png', grid);
})();
