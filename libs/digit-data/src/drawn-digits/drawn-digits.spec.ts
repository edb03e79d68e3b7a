import sharp from 'sharp';
import { bundledMnistDir, MnistSet, readMnistSplit } from '../mnist/mnist-files';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { SeededRandom } from '../random';
import { CANVAS_SIZE, DIGIT_HEIGHT, DrawnDigit, generateDrawnDigits, PEN_WIDTH, renderDrawnDigit, strokesFromMnist } from './drawn-digits';

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function inkBounds({ strokes, penWidth }: DrawnDigit) {
  const points = strokes.flat();
  const xs = points.map((p) => p.x),
    ys = points.map((p) => p.y);
  const r = penWidth / 2;
  return { left: Math.min(...xs) - r, right: Math.max(...xs) + r, top: Math.min(...ys) - r, bottom: Math.max(...ys) + r };
}

/** A 28×28 MNIST-like image with ink where `inked(x, y)`. */
function mnistLike(inked: (x: number, y: number) => boolean): Uint8Array {
  return Uint8Array.from({ length: 784 }, (_, i) => (inked(i % 28, Math.floor(i / 28)) ? 255 : 0));
}

describe(generateDrawnDigits.name, () => {
  const sut = generateDrawnDigits;
  let mnist: MnistSet;
  let digits: DrawnDigit[];

  beforeAll(() => {
    mnist = readMnistSplit(bundledMnistDir(), 't10k');
    digits = sut(mnist, 60, 42);
  });

  it('draws every label in turn, each from a different MNIST digit of that label', () => {
    const counts = Array.from({ length: 10 }, (_, label) => sut(mnist, 25, 1).filter((d) => d.label === label).length);
    expect(counts).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    for (const digit of digits) expect(mnist.labels[digit.source]).toBe(digit.label);
    expect(new Set(digits.map((d) => d.source)).size).toBe(digits.length);
  });

  it('gives the same digits for the same seed, and others for another', () => {
    expect(sut(mnist, 12, 42)).toEqual(digits.slice(0, 12));
    expect(sut(mnist, 12, 43)).not.toEqual(digits.slice(0, 12));
  });

  it('uses a round pen 16–32 px wide, keeps every stroke drawable and all the ink on the canvas', () => {
    for (const digit of digits) {
      expect(digit.penWidth).toBeGreaterThanOrEqual(PEN_WIDTH.min);
      expect(digit.penWidth).toBeLessThanOrEqual(PEN_WIDTH.max);
      for (const stroke of digit.strokes) expect(stroke.length).toBeGreaterThanOrEqual(2);
      const ink = inkBounds(digit);
      expect(ink.left).toBeGreaterThanOrEqual(0);
      expect(ink.top).toBeGreaterThanOrEqual(0);
      expect(ink.right).toBeLessThanOrEqual(CANVAS_SIZE);
      expect(ink.bottom).toBeLessThanOrEqual(CANVAS_SIZE);
    }
  });

  it('varies the size and the position, off-centre, as people draw', () => {
    const bounds = digits.map(inkBounds);
    const heights = bounds.map((b) => b.bottom - b.top);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(DIGIT_HEIGHT.min - 1);
    expect(Math.max(...heights)).toBeLessThanOrEqual(DIGIT_HEIGHT.max + 1);
    expect(Math.max(...heights) - Math.min(...heights)).toBeGreaterThan(100);
    const centres = bounds.map((b) => (b.left + b.right) / 2);
    expect(Math.max(...centres) - Math.min(...centres)).toBeGreaterThan(150);
  });

  it('draws digits that preprocess back into their MNIST originals', async () => {
    const own: number[] = [],
      others: number[] = [];
    for (const [i, digit] of digits.slice(0, 20).entries()) {
      const drawn = await preprocessImage(await renderDrawnDigit(digit));
      expect(drawn.empty).toBe(false);
      const original = (source: number) => mnist.images.pixels.subarray(source * 784, (source + 1) * 784);
      own.push(correlation(drawn.pixels, original(digit.source)));
      others.push(correlation(drawn.pixels, original(digits[(i + 1) % 20].source)));
    }
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean(own)).toBeGreaterThan(0.65);
    expect(mean(own) - mean(others)).toBeGreaterThan(0.3);
  });
});

describe(strokesFromMnist.name, () => {
  const sut = strokesFromMnist;

  it('draws a "1" as one upright stroke', () => {
    const one = mnistLike((x, y) => x >= 13 && x <= 15 && y >= 4 && y <= 23);
    const digit = sut(one, 1, 7, new SeededRandom(1));
    expect(digit).toMatchObject({ label: 1, source: 7 });
    expect(digit.strokes).toHaveLength(1);
    const [first, last] = [digit.strokes[0][0], digit.strokes[0].at(-1)!];
    expect(Math.abs(first.x - last.x)).toBeLessThan(3);
    expect(Math.abs(first.y - last.y)).toBeGreaterThan(80);
  });

  it('draws a "0" as one closed loop', () => {
    const zero = mnistLike((x, y) => Math.abs(Math.hypot((x - 13.5) / 0.7, y - 13.5) - 8) <= 1.5);
    const [loop, ...rest] = sut(zero, 0, 0, new SeededRandom(1)).strokes;
    expect(rest).toEqual([]);
    expect(loop[0]).toEqual(loop.at(-1));
  });

  it('draws the loop of a "9" whose head is a filled blob, as its writer did', async () => {
    // A solid disc with a tail: thinning alone would leave only the tail, a "1".
    const nine = mnistLike((x, y) => Math.hypot(x - 14, y - 9) <= 5 || (x >= 17 && x <= 18 && y >= 9 && y <= 24));
    const digit = sut(nine, 9, 0, new SeededRandom(3));
    const { pixels } = await preprocessImage(await renderDrawnDigit(digit, 'white'));
    const rowWidths = Array.from({ length: 28 }, (_, y) => pixels.slice(y * 28, y * 28 + 28).filter((v) => v > 0.5).length);
    const inked = rowWidths.filter((width) => width > 0);
    const head = Math.max(...inked.slice(0, 6));
    const tail = Math.max(...inked.slice(-6));
    expect(head).toBeGreaterThanOrEqual(2 * tail);
  });
});

describe(renderDrawnDigit.name, () => {
  const sut = renderDrawnDigit;
  const digit: DrawnDigit = {
    label: 1,
    source: 0,
    penWidth: 20,
    strokes: [
      [
        { x: 200, y: 100 },
        { x: 200, y: 300 },
      ],
    ],
  };

  it('renders black round-capped strokes on a transparent 400×400 canvas', async () => {
    const { data, info } = await sharp(await sut(digit))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 400, height: 400, channels: 4 });
    const alphaAt = (x: number, y: number) => data[(y * 400 + x) * 4 + 3];
    expect(alphaAt(0, 0)).toBe(0);
    expect(alphaAt(200, 200)).toBe(255);
    expect(alphaAt(200, 95)).toBe(255); // the round cap reaches past the stroke's end
    expect(alphaAt(200, 88)).toBe(0);
    expect(data[(200 * 400 + 200) * 4]).toBe(0);
  });

  it('renders on white when asked', async () => {
    const { data, info } = await sharp(await sut(digit, 'white'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]).toBe(255);
    expect(data[info.channels - 1]).toBe(255);
    expect(data[(200 * 400 + 200) * info.channels]).toBe(0);
  });
});
