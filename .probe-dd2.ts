import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { readMnistSplit, bundledMnistDir } from './libs/shared/src/mnist/mnist-files';
import { generateDrawnDigits, renderDrawnDigit } from './libs/shared/src/drawn-digits/drawn-digits';
(async () => {
  const set = readMnistSplit(bundledMnistDir(), 'train');
  const digits = generateDrawnDigits(set, 40, 7).slice(30, 40);
  const tiles = await Promise.all(digits.map(async (d, i) => ({ input: await renderDrawnDigit(d, 'white'), left: (i % 5) * 404, top: Math.floor(i / 5) * 404 })));
  writeFileSync('/tmp/pp/full.png', await sharp({ create: { width: 5 * 404, height: 808, channels: 3, background: '#888' } }).composite(tiles).png().toBuffer());
  console.log(JSON.stringify(digits[8]));
})();
