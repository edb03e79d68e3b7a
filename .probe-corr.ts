import { readMnistSplit, bundledMnistDir } from './libs/shared/src/mnist/mnist-files';
import { generateDrawnDigits, renderDrawnDigit } from './libs/shared/src/drawn-digits/drawn-digits';
import { preprocessImage } from './libs/shared/src/preprocessing/preprocess';
const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => { const n = a.length; let ma = 0, mb = 0; for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; } ma /= n; mb /= n; let sab = 0, saa = 0, sbb = 0; for (let i = 0; i < n; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; } return sab / Math.sqrt(saa * sbb); };
(async () => {
  const set = readMnistSplit(bundledMnistDir(), 't10k');
  const digits = generateDrawnDigits(set, 200, 3);
  const cs: number[] = []; const others: number[] = [];
  for (const d of digits) {
    const pre = await preprocessImage(await renderDrawnDigit(d));
    cs.push(corr(pre.pixels, set.images.pixels.subarray(d.source * 784, d.source * 784 + 784)));
    const o = digits[(digits.indexOf(d) + 1) % digits.length];
    others.push(corr(pre.pixels, set.images.pixels.subarray(o.source * 784, o.source * 784 + 784)));
  }
  cs.sort((a, b) => a - b); others.sort((a, b) => a - b);
  console.log('own min/p5/median', cs[0].toFixed(2), cs[10].toFixed(2), cs[100].toFixed(2), 'others median/max', others[100].toFixed(2), others[199].toFixed(2));
  console.log('worst', digits.map((d, i) => [i, d.label, d.source]).filter((_, i) => true).length);
})();
