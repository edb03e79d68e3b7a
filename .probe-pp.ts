import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { preprocessImage, encodePreviewPng } from './libs/shared/src/preprocessing/preprocess';
(async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><path d="M150 100 C 250 80, 260 160, 200 200 S 120 320, 260 300" fill="none" stroke="black" stroke-width="24" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  const r = await preprocessImage(png);
  console.log(r.empty, r.inkBox);
  writeFileSync('/tmp/pp/a.png', png);
  writeFileSync('/tmp/pp/a28.png', await sharp(await encodePreviewPng(r.pixels)).resize(280, 280, { kernel: 'nearest' }).png().toBuffer());
  const ts: number[] = [];
  for (let i = 0; i < 300; i++) { const t = process.hrtime.bigint(); await preprocessImage(png); ts.push(Number(process.hrtime.bigint() - t) / 1e6); }
  ts.sort((a, b) => a - b); console.log('median', ts[150].toFixed(2), 'p95', ts[285].toFixed(2));
})();
