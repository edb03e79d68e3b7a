import { readMnistSplit, bundledMnistDir } from './libs/shared/src/mnist/mnist-files';
import { thin } from './libs/shared/src/drawn-digits/skeleton';
const U = 4, S = 112;
function grid(p: Uint8Array) { const cells = new Uint8Array(S * S); const at = (x: number, y: number) => (x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : p[y * 28 + x] / 255);
  for (let y = 0; y < S; y++) { const sy = (y + .5) / U - .5, y0 = Math.floor(sy), fy = sy - y0; for (let x = 0; x < S; x++) { const sx = (x + .5) / U - .5, x0 = Math.floor(sx), fx = sx - x0; const v = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy; cells[y * S + x] = v >= .4 ? 1 : 0; } } return { width: S, height: S, cells }; }
function dt(cells: Uint8Array) { const d = new Float32Array(S * S); const INF = 1e9; for (let i = 0; i < S * S; i++) d[i] = cells[i] ? INF : 0;
  const g = (x: number, y: number) => (x < 0 || y < 0 || x >= S || y >= S ? 0 : d[y * S + x]);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) { const i = y * S + x; if (!d[i]) continue; d[i] = Math.min(d[i], g(x - 1, y) + 1, g(x, y - 1) + 1, g(x - 1, y - 1) + 1.4142, g(x + 1, y - 1) + 1.4142); }
  for (let y = S - 1; y >= 0; y--) for (let x = S - 1; x >= 0; x--) { const i = y * S + x; if (!d[i]) continue; d[i] = Math.min(d[i], g(x + 1, y) + 1, g(x, y + 1) + 1, g(x + 1, y + 1) + 1.4142, g(x - 1, y + 1) + 1.4142); }
  return d; }
const set = readMnistSplit(bundledMnistDir(), 't10k');
const ratios: number[] = []; const hs: number[] = [];
for (let k = 0; k < 2000; k++) { const gr = grid(set.images.pixels.subarray(k * 784, k * 784 + 784)); const sk = thin(gr); const d = dt(gr.cells); const vals: number[] = []; for (let i = 0; i < S * S; i++) if (sk.cells[i]) vals.push(d[i]); vals.sort((a, b) => a - b); const h = vals[vals.length >> 1]; let mx = 0; for (let i = 0; i < S * S; i++) mx = Math.max(mx, d[i]); ratios.push(mx / h); hs.push(h); }
const frac = (t: number) => (ratios.filter((r) => r > t).length / ratios.length * 100).toFixed(1) + '%';
hs.sort((a, b) => a - b);
console.log('h median', hs[1000], 'p5', hs[100], 'p95', hs[1900], 'ratio>1.8', frac(1.8), '>2', frac(2), '>2.5', frac(2.5), '>3', frac(3));
console.log('idx >2.5:', ratios.map((r, i) => [r, i]).filter(([r]) => r > 2.5).map(([, i]) => i).slice(0, 30).join(','));
import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
(async () => {
  const pick = (idx: number) => { const gr = grid(set.images.pixels.subarray(idx * 784, idx * 784 + 784)); const sk = thin(gr); const d = dt(gr.cells); const vals: number[] = []; for (let i = 0; i < S * S; i++) if (sk.cells[i]) vals.push(d[i]); vals.sort((a, b) => a - b); const h = vals[vals.length >> 1]; let mx = 0; for (let i = 0; i < S * S; i++) mx = Math.max(mx, d[i]); return mx / h; };
  console.log('1444', pick(1444).toFixed(2), '5989', pick(5989).toFixed(2), '3', pick(3).toFixed(2), '7923', pick(7923).toFixed(2));
  const over = ratios.map((r, i) => [r, i]).filter(([r]) => r > 2).map(([, i]) => i).slice(0, 40);
  const tiles = await Promise.all(over.map(async (idx, k) => ({ input: await sharp(Buffer.from(set.images.pixels.subarray(idx * 784, idx * 784 + 784)), { raw: { width: 28, height: 28, channels: 1 } }).resize(84, 84, { kernel: 'nearest' }).png().toBuffer(), left: (k % 10) * 86, top: Math.floor(k / 10) * 86 })));
  writeFileSync('/tmp/pp/blobs.png', await sharp({ create: { width: 860, height: 344, channels: 3, background: '#c00' } }).composite(tiles).png().toBuffer());
})();
