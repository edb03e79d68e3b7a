import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { SeededRandom } from '@live-digits/digit-data/random';
import { tf } from '@live-digits/shared/tf/tf';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { augmentBatch } from './augment';

describe('augmentBatch', () => {
  const count = 256;
  let pixels: Float32Array;
  let digits: tf.Tensor4D;

  beforeAll(async () => {
    await initGradientTensorFlow({ backend: 'wasm' });
    const mnist = readMnistSplit(bundledMnistDir(), 'train');
    pixels = Float32Array.from(mnist.images.pixels.subarray(0, count * 784), (v) => v / 255);
    digits = tf.tensor4d(pixels, [count, 28, 28, 1]);
  });

  afterAll(() => digits.dispose());

  it('is deterministic for a seed and different across seeds', () => {
    const a = augmentBatch(pixels, count, new SeededRandom(7));
    const b = augmentBatch(pixels, count, new SeededRandom(7));
    const c = augmentBatch(pixels, count, new SeededRandom(8));
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([a, b, c]);
  });

  it('changes every image but keeps values in [0, 1]', () => {
    const sut = augmentBatch(pixels, count, new SeededRandom(1));
    const perImageChange = tf.max(tf.abs(tf.sub(sut, digits)), [1, 2, 3]).dataSync();
    expect(Math.min(...perImageChange)).toBeGreaterThan(0.05);
    expect(tf.min(sut).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(sut).dataSync()[0]).toBeLessThanOrEqual(1);
    sut.dispose();
  });

  it('keeps the ink in the frame and near the centre, so labels still hold', () => {
    const sut = augmentBatch(pixels, count, new SeededRandom(3));
    const augmented = sut.dataSync();
    for (let i = 0; i < count; i++) {
      const image = augmented.subarray(i * 784, (i + 1) * 784);
      let [mass, mx, my, border] = [0, 0, 0, 0];
      image.forEach((v, p) => {
        const [x, y] = [p % 28, Math.floor(p / 28)];
        mass += v;
        mx += v * x;
        my += v * y;
        if (x === 0 || y === 0 || x === 27 || y === 27) border = Math.max(border, v);
      });
      expect(mass).toBeGreaterThan(15);
      // At most the faint bilinear fringe of an anti-aliased edge reaches the outermost pixels.
      expect(border).toBeLessThan(0.25);
      expect(Math.hypot(mx / mass - 13.5, my / mass - 13.5)).toBeLessThan(5);
    }
    sut.dispose();
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    augmentBatch(pixels, count, new SeededRandom(1)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
