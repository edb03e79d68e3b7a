import sharp from 'sharp';
import { generateDrawnDigits } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import type { DrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { numberStrokes, renderStrokes, WIDE_CANVAS } from '../../../../test/server/support/numbers';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from '../model/model-contract';
import { MAX_DIGITS } from '../protocol/recognition.events';
import type { InputPlacement } from '../protocol/recognition.events';
import {
  candidateImages,
  chooseReadings,
  DigitCandidate,
  InkBox,
  PreprocessedNumber,
  PreprocessError,
  preprocessImage,
  preprocessNumber,
} from './preprocess';

async function canvas(body: string, { width = 400, height = 400 } = {}): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function polyline(points: Array<[number, number]>, width = 20): string {
  return `<polyline points="${points.map(([x, y]) => `${x},${y}`).join(' ')}" fill="none" stroke="black" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"/>`;
}

/** Columns and rows of the 28×28 holding ink: [first, last + 1). */
function inkSpan(pixels: Float32Array): { left: number; right: number; top: number; bottom: number } {
  let left = IMAGE_SIDE,
    right = 0,
    top = IMAGE_SIDE,
    bottom = 0;
  pixels.forEach((value, i) => {
    if (value === 0) return;
    const x = i % IMAGE_SIDE,
      y = Math.floor(i / IMAGE_SIDE);
    left = Math.min(left, x);
    right = Math.max(right, x + 1);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y + 1);
  });
  return { left, right, top, bottom };
}

function place({ scale, dx, dy }: InputPlacement, x: number, y: number): [number, number] {
  return [x * scale + dx, y * scale + dy];
}

/** The placement maps the ink box's corners onto the 28×28's ink, within half a pixel. */
function expectPlacedOnInk({ pixels, box, placement }: DigitCandidate) {
  const [left, top] = place(placement, box.x, box.y);
  const [right, bottom] = place(placement, box.x + box.width, box.y + box.height);
  const ink = inkSpan(pixels);
  expect(Math.abs(left - ink.left)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(top - ink.top)).toBeLessThanOrEqual(0.5);
  // The fit rounds the short side up to whole pixels: its far edge may land in the last pixel's first half.
  expect(ink.right - right).toBeGreaterThanOrEqual(0);
  expect(ink.right - right).toBeLessThan(1);
  expect(ink.bottom - bottom).toBeGreaterThanOrEqual(0);
  expect(ink.bottom - bottom).toBeLessThan(1);
  // The longest side is the 20 px box exactly.
  expect(Math.max(right - left, bottom - top)).toBeCloseTo(20, 5);
}

/** One digit's reading of every group: the whole group. */
function wholeReadings(number: PreprocessedNumber): DigitCandidate[] {
  return number.groups.map((readings) => readings[0][0]);
}

/** A softmax row that is sure of `digit` to `confidence`, the rest shared out. */
function row(digit: number, confidence: number): number[] {
  return Array.from({ length: CLASS_COUNT }, (_, d) => (d === digit ? confidence : (1 - confidence) / (CLASS_COUNT - 1)));
}

const layout = WIDE_CANVAS;
let drawn: DrawnDigit[];

beforeAll(() => {
  drawn = generateDrawnDigits(readMnistSplit(bundledMnistDir(), 't10k'), 10, 11);
});

describe(preprocessNumber.name, () => {
  const sut = preprocessNumber;

  it('reads a lone digit exactly as preprocessImage does, box and placement included', async () => {
    for (const digit of drawn) {
      const png = await renderStrokes([digit], { width: 400, height: 400 });
      const lone = await preprocessImage(png);
      const number = await sut(png);
      expect(number).toMatchObject({ width: 400, height: 400, empty: false });
      expect(number.groups).toHaveLength(1);
      expect(number.groups[0][0]).toEqual([{ pixels: lone.pixels, box: lone.inkBox, placement: lone.placement }]);
    }
  });

  it('reads each digit of a number as that digit alone on the canvas would be read, left to right', async () => {
    const digits = numberStrokes([drawn[2], drawn[0], drawn[7]], layout);
    const number = await sut(await renderStrokes(digits, layout));
    expect(number.groups).toHaveLength(3);
    const readings = wholeReadings(number);
    for (const [i, digit] of digits.entries()) {
      const alone = await preprocessImage(await renderStrokes([digit], layout));
      expect(readings[i].box).toEqual(alone.inkBox);
      expect(readings[i].pixels).toEqual(alone.pixels);
      expect(readings[i].placement).toEqual(alone.placement);
      expectPlacedOnInk(readings[i]);
    }
  });

  it("masks out a neighbour's ink that reaches into a digit's box", async () => {
    // A 2 whose base runs on under the 7 beside it, without touching it: the 7's box holds the base's end.
    const two = polyline([
      [100, 120],
      [200, 110],
      [200, 180],
      [100, 290],
      [270, 295],
    ]);
    const seven = polyline([
      [260, 100],
      [360, 100],
      [300, 300],
    ]);
    const number = await sut(await canvas(two + seven));
    expect(number.groups).toHaveLength(2);
    const [twoRead, sevenRead] = wholeReadings(number);
    expect(twoRead.box.x + twoRead.box.width).toBeGreaterThan(sevenRead.box.x);
    const sevenAlone = await preprocessImage(await canvas(seven));
    expect(sevenRead.box).toEqual(sevenAlone.inkBox);
    expect(sevenRead.pixels).toEqual(sevenAlone.pixels);
    const twoAlone = await preprocessImage(await canvas(two));
    expect(twoRead.pixels).toEqual(twoAlone.pixels);
  });

  it('drops noise dots and reads the digit as if they were not there', async () => {
    const two = polyline([
      [150, 120],
      [230, 110],
      [240, 170],
      [150, 280],
      [260, 280],
    ]);
    const dots = '<circle cx="40" cy="40" r="4"/><circle cx="360" cy="200" r="5"/><rect x="100" y="370" width="2" height="2"/>';
    const number = await sut(await canvas(two + dots));
    const alone = await preprocessImage(await canvas(two));
    expect(number.groups).toHaveLength(1);
    expect(number.groups[0][0][0].pixels).toEqual(alone.pixels);
    expect(number.groups[0][0][0].box).toEqual(alone.inkBox);
  });

  it("keeps a 5's separate flag with its digit", async () => {
    const body = polyline([
      [160, 100],
      [150, 200],
      [220, 180],
      [250, 240],
      [210, 300],
      [150, 290],
    ]);
    const flag = polyline([
      [195, 95],
      [270, 90],
    ]);
    const number = await sut(await canvas(body + flag));
    expect(number.groups).toHaveLength(1);
    const alone = await preprocessImage(await canvas(body + flag));
    expect(number.groups[0][0][0].box).toEqual(alone.inkBox);
  });

  it('offers touching 00 whole and as two digits', async () => {
    const rings =
      '<ellipse cx="150" cy="200" rx="60" ry="100" fill="none" stroke="black" stroke-width="20"/>' +
      '<ellipse cx="270" cy="200" rx="60" ry="100" fill="none" stroke="black" stroke-width="20"/>';
    const number = await sut(await canvas(rings));
    expect(number.groups).toHaveLength(1);
    const [whole, ...cuts] = number.groups[0];
    expect(whole).toHaveLength(1);
    expect(cuts.length).toBeGreaterThan(0);
    const atJoin = cuts.find((cut) => cut.length === 2 && Math.abs(cut[1].box.x - 210) <= 10);
    expect(atJoin).toBeDefined();
    atJoin!.forEach(expectPlacedOnInk);
  });

  it('calls a blank canvas empty, with no groups', async () => {
    expect(await sut(await canvas(''))).toEqual({ width: 400, height: 400, empty: true, groups: [] });
  });

  it(`reads ${MAX_DIGITS} digits and refuses ${MAX_DIGITS + 1} as TOO_MANY_DIGITS`, async () => {
    const ones = (count: number) =>
      Array.from({ length: count }, (_, i) =>
        polyline(
          [
            [40 + i * 80, 120],
            [40 + i * 80, 280],
          ],
          16,
        ),
      ).join('');
    const eight = await sut(await canvas(ones(MAX_DIGITS), { width: 800 }));
    expect(eight.groups).toHaveLength(MAX_DIGITS);
    const error = await sut(await canvas(ones(MAX_DIGITS + 1), { width: 800 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PreprocessError);
    expect(error).toMatchObject({ code: 'TOO_MANY_DIGITS', message: expect.stringMatching(/at most 8 digits: it has 9 separate marks/) });
  });
});

describe('placement', () => {
  it('maps a known crop onto the 28×28 exactly', async () => {
    // A filled 60 × 200 rectangle at (100, 40): scale 20 / 200 = 0.1, so it lands 6 × 20 pixels.
    const image = await preprocessImage(await canvas('<rect x="100" y="40" width="60" height="200" fill="black"/>'));
    const placement = image.placement!;
    expect(placement.scale).toBeCloseTo(0.1, 10);
    const box: InkBox = image.inkBox!;
    expect(box).toEqual({ x: 100, y: 40, width: 60, height: 200 });
    const ink = inkSpan(image.pixels);
    expect(place(placement, 100, 40).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([ink.left, ink.top]);
    expect(place(placement, 160, 240).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([ink.right, ink.bottom]);
    // And back: the 28×28's ink corners come from the rectangle's corners.
    expect((ink.left - placement.dx) / placement.scale).toBeCloseTo(100, 6);
    expect((ink.bottom - placement.dy) / placement.scale).toBeCloseTo(240, 6);
  });

  it('maps a drawn digit’s ink onto the 28×28’s ink, and its centre of mass onto (14, 14)', async () => {
    const digit = numberStrokes([drawn[3]], { width: 400, height: 400, digitHeight: 260, gap: 0 });
    const png = await renderStrokes(digit, { width: 400, height: 400 });
    const image = await preprocessImage(png);
    expectPlacedOnInk({ pixels: image.pixels, box: image.inkBox!, placement: image.placement! });
    const { data, info } = await sharp(png).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
    let mass = 0,
      mx = 0,
      my = 0;
    data.forEach((alpha, i) => {
      mass += alpha;
      mx += alpha * ((i % info.width) + 0.5);
      my += alpha * (Math.floor(i / info.width) + 0.5);
    });
    const [u, v] = place(image.placement!, mx / mass, my / mass);
    // Centre of mass in continuous coordinates: MNIST's pixel (14, 14) is the square [14, 15); the shift is whole pixels.
    expect(Math.abs(u - 14.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(v - 14.5)).toBeLessThanOrEqual(1);
  });
});

describe(chooseReadings.name, () => {
  /** A number of two groups, the second offered whole and as two digits, with recognisable pixels. */
  function fakeNumber(): PreprocessedNumber {
    const candidate = (id: number): DigitCandidate => ({
      pixels: new Float32Array(IMAGE_PIXELS).fill(id),
      box: { x: id, y: 0, width: 1, height: 1 },
      placement: { scale: 1, dx: 0, dy: 0 },
    });
    return { width: 10, height: 10, empty: false, groups: [[[candidate(1)]], [[candidate(2)], [candidate(3), candidate(4)]]] };
  }

  it('lists every candidate in order, for one batch', () => {
    expect(candidateImages(fakeNumber()).map((pixels) => pixels[0])).toEqual([1, 2, 3, 4]);
  });

  it('keeps a group whole when the model is surer of it whole', () => {
    const probabilities = Float32Array.from([...row(4, 0.99), ...row(0, 0.95), ...row(1, 0.6), ...row(1, 0.7)]);
    const chosen = chooseReadings(fakeNumber(), probabilities);
    expect(chosen.map((c) => c.candidate.box.x)).toEqual([1, 2]);
    expect(Array.from(chosen[1].probabilities)).toEqual(Array.from(Float32Array.from(row(0, 0.95))));
  });

  it('reads a group as two digits when the model is surer of both halves than of the whole', () => {
    const probabilities = Float32Array.from([...row(4, 0.99), ...row(8, 0.5), ...row(0, 0.97), ...row(0, 0.98)]);
    expect(chooseReadings(fakeNumber(), probabilities).map((c) => c.candidate.box.x)).toEqual([1, 3, 4]);
  });

  it('reads a group as two digits only when the product of their probabilities beats the whole', () => {
    // Both halves are surer than the whole (0.9 and 0.85 against 0.8), but 0.9 × 0.85 = 0.765 is less likely.
    const probabilities = Float32Array.from([...row(4, 0.99), ...row(5, 0.8), ...row(2, 0.9), ...row(7, 0.85)]);
    expect(chooseReadings(fakeNumber(), probabilities).map((c) => c.candidate.box.x)).toEqual([1, 2]);
  });

  it('refuses probabilities that do not match the candidates', () => {
    expect(() => chooseReadings(fakeNumber(), new Float32Array(3 * CLASS_COUNT))).toThrow(/needs 40 probabilities \(4 images\), got 30/);
  });
});
