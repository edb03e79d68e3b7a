import sharp from 'sharp';
import { bundledMnistDir, MnistSet, readMnistSplit } from '../mnist/mnist-files';
import { DrawnDigit, PEN_WIDTH } from './drawn-digits';
import { CLOSE_GAP, DrawnNumber, generateDrawnNumbers, renderDrawnNumber, WIDE_CANVAS } from './drawn-numbers';

/** The digit's ink, pen included, in canvas pixels. */
function inkBounds({ strokes, penWidth }: DrawnDigit) {
  const points = strokes.flat();
  const xs = points.map((p) => p.x),
    ys = points.map((p) => p.y);
  const r = penWidth / 2;
  return { left: Math.min(...xs) - r, right: Math.max(...xs) + r, top: Math.min(...ys) - r, bottom: Math.max(...ys) + r };
}

/** The clear space between each pair of neighbouring digits' ink. */
function gapsOf(number: DrawnNumber): number[] {
  const bounds = number.digits.map(inkBounds);
  return bounds.slice(1).map((b, i) => b.left - bounds[i].right);
}

describe(generateDrawnNumbers.name, () => {
  const sut = generateDrawnNumbers;
  let mnist: MnistSet;
  let numbers: DrawnNumber[];

  beforeAll(() => {
    mnist = readMnistSplit(bundledMnistDir(), 't10k');
    numbers = sut(mnist, 200, 42);
  });

  it('gives the same numbers for the same seed, whatever the count, and others for another seed', () => {
    expect(sut(mnist, 10, 42)).toEqual(numbers.slice(0, 10));
    expect(sut(mnist, 10, 43)).not.toEqual(numbers.slice(0, 10));
  });

  it('writes 2–6 digits in turn, labelled by its digits in order, each traced from an MNIST digit of that label', () => {
    expect(numbers.slice(0, 10).map((n) => n.label.length)).toEqual([2, 3, 4, 5, 6, 2, 3, 4, 5, 6]);
    for (const number of numbers) {
      expect(number.label).toBe(number.digits.map((d) => d.label).join(''));
      for (const digit of number.digits) expect(mnist.labels[digit.source]).toBe(digit.label);
    }
    const sources = numbers.flatMap((n) => n.digits.map((d) => d.source));
    expect(new Set(sources).size).toBe(sources.length);
    const perLabel = Array.from({ length: 10 }, (_, label) => numbers.flatMap((n) => n.digits).filter((d) => d.label === label).length);
    expect(Math.min(...perLabel)).toBeGreaterThan(40); // 800 digits, about 80 of each
  });

  it('takes the lengths it is given, lone digits included', () => {
    const lone = sut(mnist, 6, 7, { lengths: [1, 8] });
    expect(lone.map((n) => n.label.length)).toEqual([1, 8, 1, 8, 1, 8]);
    expect(lone.filter((n) => n.label.length === 1).every((n) => n.width === 400 && n.height === 400)).toBe(true);
    expect(() => sut(mnist, 1, 7, { lengths: [0] })).toThrow(RangeError);
    expect(() => sut(mnist, 1, 7, { lengths: [9] })).toThrow(RangeError);
  });

  it('puts numbers of four digits and more on the wide canvas, and shorter ones on either', () => {
    for (const number of numbers.filter((n) => n.label.length >= 4)) expect(number).toMatchObject(WIDE_CANVAS);
    const short = numbers.filter((n) => n.label.length <= 3);
    expect(short.filter((n) => n.width === 400 && n.height === 400).length).toBeGreaterThan(short.length / 4);
    expect(short.filter((n) => n.width === 800).length).toBeGreaterThan(short.length / 4);
  });

  it('keeps all the ink on the canvas, drawn with one round pen per number', () => {
    for (const number of numbers) {
      expect(number.penWidth).toBeGreaterThanOrEqual(PEN_WIDTH.min);
      expect(number.penWidth).toBeLessThanOrEqual(PEN_WIDTH.max);
      for (const digit of number.digits) {
        expect(digit.penWidth).toBe(number.penWidth);
        for (const stroke of digit.strokes) expect(stroke.length).toBeGreaterThanOrEqual(2);
        const ink = inkBounds(digit);
        expect(ink.left).toBeGreaterThanOrEqual(0);
        expect(ink.top).toBeGreaterThanOrEqual(0);
        expect(ink.right).toBeLessThanOrEqual(number.width);
        expect(ink.bottom).toBeLessThanOrEqual(number.height);
      }
    }
  });

  it('never lets two digits overlap across the line, and writes some of them close', () => {
    const gaps = numbers.flatMap(gapsOf);
    // Points are rounded to 0.1 px, which can take a twentieth of a pixel off each side.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(CLOSE_GAP.min - 0.1);
    const close = gaps.filter((gap) => gap <= CLOSE_GAP.max + 0.1).length;
    expect(close / gaps.length).toBeGreaterThan(0.2);
    expect(close / gaps.length).toBeLessThan(0.5);
    expect(gaps.filter((gap) => gap > 40).length / gaps.length).toBeGreaterThan(0.3);
  });

  it('varies each digit’s size and baseline within a number, and the numbers’ sizes', () => {
    const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
    const multi = numbers.filter((n) => n.label.length >= 3);
    const heightSpreads = multi.map((n) => spread(n.digits.map((d) => inkBounds(d).bottom - inkBounds(d).top)));
    const bottomSpreads = multi.map((n) => spread(n.digits.map((d) => inkBounds(d).bottom)));
    expect(heightSpreads.filter((s) => s > 5).length / multi.length).toBeGreaterThan(0.8);
    expect(bottomSpreads.filter((s) => s > 5).length / multi.length).toBeGreaterThan(0.8);
    const twoDigitHeights = numbers
      .filter((n) => n.label.length === 2)
      .map((n) => inkBounds(n.digits[0]).bottom - inkBounds(n.digits[0]).top);
    expect(spread(twoDigitHeights)).toBeGreaterThan(100);
  });
});

describe(renderDrawnNumber.name, () => {
  const sut = renderDrawnNumber;

  it('renders every digit in black round pen on a transparent canvas of the number’s size, gaps left clear', async () => {
    const mnist = readMnistSplit(bundledMnistDir(), 't10k');
    const numbers = generateDrawnNumbers(mnist, 12, 5);
    const number = numbers.find((n) => n.width === 800 && gapsOf(n).some((gap) => gap < CLOSE_GAP.max))!;
    const { data, info } = await sharp(await sut(number))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 800, height: 400, channels: 4 });
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    const columnInk = (x: number) => Array.from({ length: info.height }, (_, y) => alphaAt(x, y)).reduce((a, b) => a + b, 0);
    expect(alphaAt(0, 0)).toBe(0);
    const bounds = number.digits.map(inkBounds);
    for (const digit of number.digits) {
      const point = digit.strokes[0][0];
      expect(alphaAt(Math.round(point.x), Math.round(point.y))).toBe(255);
      expect(data[(Math.round(point.y) * info.width + Math.round(point.x)) * 4]).toBe(0);
    }
    // A whole pixel column inside every gap, even a close one, has no ink at all.
    for (let i = 1; i < bounds.length; i++) expect(columnInk(Math.ceil(bounds[i - 1].right))).toBe(0);
  });
});
