import sharp from 'sharp';
(async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><path d="M150 100 C 250 80, 260 160, 200 200 S 120 320, 260 300" fill="none" stroke="black" stroke-width="24" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  const time = async (label: string, fn: () => Promise<unknown>) => { const ts: number[] = []; for (let i = 0; i < 300; i++) { const t = process.hrtime.bigint(); await fn(); ts.push(Number(process.hrtime.bigint() - t) / 1e6); } ts.sort((a, b) => a - b); console.log(label, ts[150].toFixed(2), ts[285].toFixed(2)); };
  await time('meta', () => sharp(png).metadata());
  await time('raw', () => sharp(png, { failOn: 'error', limitInputPixels: 2048*2048, sequentialRead: true }).raw().toBuffer({ resolveWithObject: true }));
  await time('meta+raw', async () => { await sharp(png).metadata(); await sharp(png, { failOn: 'error', limitInputPixels: 2048*2048, sequentialRead: true }).raw().toBuffer({ resolveWithObject: true }); });
})();
