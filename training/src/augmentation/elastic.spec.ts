import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { SeededRandom } from '@live-digits/digit-data/random';
import { IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { DEFAULT_ELASTIC, elasticDistort } from './elastic';

describe(elasticDistort.name, () => {
  const count = 200;
  let digits: Float32Array[];

  beforeAll(() => {
    const mnist = readMnistSplit(bundledMnistDir(), 'train');
    digits = Array.from({ length: count }, (_, i) =>
      Float32Array.from(mnist.images.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), (v) => v / 255),
    );
  });

  const strongest = { ...DEFAULT_ELASTIC, alphaRange: [DEFAULT_ELASTIC.alphaRange[1], DEFAULT_ELASTIC.alphaRange[1]] as [number, number] };

  it('is deterministic for a seed and different across seeds', () => {
    const a = elasticDistort(digits[0], new SeededRandom(7), strongest);
    const b = elasticDistort(digits[0], new SeededRandom(7), strongest);
    const c = elasticDistort(digits[0], new SeededRandom(8), strongest);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.max(...a.map((v, p) => Math.abs(v - c[p])))).toBeGreaterThan(0.1);
  });

  it('moves the strokes but keeps every digit whole and inside the frame', () => {
    const random = new SeededRandom(3);
    /** The strongest ink within `width` pixels of the frame's edge. */
    const edgeInk = (image: Float32Array, width: number) =>
      Math.max(
        ...Array.from(image).filter((_, p) => {
          const [x, y] = [p % IMAGE_SIDE, Math.floor(p / IMAGE_SIDE)];
          return Math.min(x, y, IMAGE_SIDE - 1 - x, IMAGE_SIDE - 1 - y) < width;
        }),
      );
    let checkedEdges = 0;
    for (const digit of digits) {
      const sut = elasticDistort(digit, random, strongest);
      const mass = (image: Float32Array) => image.reduce((sum, v) => sum + v, 0);
      // Displacements are capped at 3 px, inside MNIST's 4 px margin: a digit that keeps the
      // margin never gets ink on the frame's edge.
      if (edgeInk(digit, DEFAULT_ELASTIC.maxDisplacement + 1) === 0) {
        expect(edgeInk(sut, 1)).toBe(0);
        checkedEdges++;
      }
      // Local stretching and squashing change the ink's area (a thin 1 most), but none is lost.
      expect(mass(sut) / mass(digit)).toBeGreaterThan(0.6);
      expect(mass(sut) / mass(digit)).toBeLessThan(1.6);
      expect(Math.max(...sut)).toBeLessThanOrEqual(1);
      expect(Math.min(...sut)).toBeGreaterThanOrEqual(0);
    }
    expect(checkedEdges).toBeGreaterThan(20);
    const changed = digits.map((d, i) => Math.max(...elasticDistort(d, new SeededRandom(i), strongest).map((v, p) => Math.abs(v - d[p]))));
    expect(Math.min(...changed)).toBeGreaterThan(0.05);
  });

  it('leaves the image as it was when alpha is 0', () => {
    const sut = elasticDistort(digits[1], new SeededRandom(1), { ...DEFAULT_ELASTIC, alphaRange: [0, 0] });
    expect(Array.from(sut)).toEqual(Array.from(digits[1]));
  });
});
