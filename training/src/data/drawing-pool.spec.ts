import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { WRITING_STYLES } from '@live-digits/digit-data/drawn-digits/writing-styles';
import { IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { buildDrawingPool, DIGIT_STYLE_EDITS, POOL_CHUNK, poolChunks } from './drawing-pool';
import { ImageSet } from './training-data';

describe(buildDrawingPool.name, () => {
  let source: ImageSet;

  beforeAll(() => {
    const mnist = readMnistSplit(bundledMnistDir(), 'train');
    const count = 600;
    source = { pixels: mnist.images.pixels.slice(0, count * IMAGE_PIXELS), labels: mnist.labels.slice(0, count), count };
  });

  it('weights the styled drawings towards the edits that rebuild a digit', () => {
    // Slant, pen and size suit any digit; every other style rebuilds particular digits' strokes.
    const anyDigit = ['slant-left', 'slant-right', 'upright', 'thin-pen', 'thick-pen', 'small', 'large'];
    expect([...DIGIT_STYLE_EDITS]).toEqual(WRITING_STYLES.filter((style) => !anyDigit.includes(style)));
    expect(DIGIT_STYLE_EDITS).toHaveLength(9);
    const sut = poolChunks('styled', 6 * POOL_CHUNK, 1);
    expect(sut.map((c) => c.styles === DIGIT_STYLE_EDITS)).toEqual([true, true, false, true, true, false]);
    expect(poolChunks('drawn', POOL_CHUNK, 1)[0].styles).toBeUndefined();
  });

  it('cuts each kind into fixed chunks with their own seeds', () => {
    const sut = poolChunks('styled', 2 * POOL_CHUNK + 10, 42);
    expect(sut.map((c) => c.count)).toEqual([POOL_CHUNK, POOL_CHUNK, 10]);
    expect(new Set(sut.map((c) => c.seed)).size).toBe(3);
    expect(poolChunks('styled', 10, 42)[0].seed).not.toBe(poolChunks('drawn', 10, 42)[0].seed);
    expect(poolChunks('styled', 10, 43)[0].seed).not.toBe(sut[0].seed);
  });

  it('makes the same style-edited drawings for a seed, whatever the number of threads, and others for another seed', async () => {
    // 0.5 styled drawings per source image: 300, in two chunks.
    const shares = { drawn: 0, styled: 0.5 };
    const [oneThread, twoThreads, otherSeed] = await Promise.all([
      buildDrawingPool(source, shares, 7, 1),
      buildDrawingPool(source, shares, 7, 2),
      buildDrawingPool(source, shares, 8, 1),
    ]);
    expect(oneThread.drawn.count).toBe(0);
    expect(oneThread.styled.count).toBe(300);
    expect(Buffer.from(twoThreads.styled.pixels).equals(Buffer.from(oneThread.styled.pixels))).toBe(true);
    expect(Array.from(twoThreads.styled.labels)).toEqual(Array.from(oneThread.styled.labels));
    expect(Buffer.from(otherSeed.styled.pixels).equals(Buffer.from(oneThread.styled.pixels))).toBe(false);
    // Both chunks draw digit edits only: the digits those concern come in turn; each image has ink.
    const perLabel = Array.from({ length: 10 }, (_, d) => oneThread.styled.labels.filter((l) => l === d).length);
    for (const digit of [0, 3, 5, 6]) expect(perLabel[digit]).toBe(0);
    for (const digit of [1, 2, 4, 7, 8, 9]) expect(perLabel[digit]).toBeGreaterThanOrEqual(49);
    for (let i = 0; i < oneThread.styled.count; i++) {
      const ink = oneThread.styled.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS).reduce((sum, v) => sum + v, 0);
      expect(ink).toBeGreaterThan(255 * 15);
    }
  }, 180_000);

  it('makes round-pen drawings beside the styled ones', async () => {
    const sut = await buildDrawingPool(source, { drawn: 0.1, styled: 0.05 }, 1, 2);
    expect([sut.drawn.count, sut.styled.count]).toEqual([60, 30]);
    expect(sut.drawn.pixels).toHaveLength(60 * IMAGE_PIXELS);
  }, 120_000);
});
