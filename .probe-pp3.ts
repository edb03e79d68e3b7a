import sharp from 'sharp';
import * as p from './.probe-copy';
(async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><path d="M150 100 C 250 80, 260 160, 200 200 S 120 320, 260 300" fill="none" stroke="black" stroke-width="24" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const img = { data, width: 400, height: 400, channels: info.channels, hasAlpha: info.hasAlpha };
  const time = (label: string, fn: () => unknown) => { const ts: number[] = []; for (let i = 0; i < 500; i++) { const t = process.hrtime.bigint(); fn(); ts.push(Number(process.hrtime.bigint() - t) / 1e6); } ts.sort((a, b) => a - b); console.log(label, ts[250].toFixed(3), ts[475].toFixed(3)); };
  time('inkMap', () => p.inkMap(img));
  const ink = p.inkMap(img);
  time('findInk', () => p.findInk(ink.slice(), 400, 400));
  time('slice', () => ink.slice());
  const found = p.findInk(ink, 400, 400)!;
  time('fit', () => p.fitInBox(ink, 400, found));
  const box = p.fitInBox(ink, 400, found);
  time('centre', () => p.centreByMass(box));
  time('all', () => p.toMnist(img));
})();
