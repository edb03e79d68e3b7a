import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConv2DGradient } from './conv2d-gradient';

/** The wasm gradient kernels must agree with the cpu backend's own Conv2D gradient kernels. */
describe('wasm Conv2D gradient kernels', () => {
  beforeAll(async () => {
    registerWasmConv2DGradient();
    await tf.setBackend('wasm');
  });

  const cases = [
    { name: 'valid, stride 1, 1→8 channels', x: [2, 9, 9, 1], k: [3, 3, 1, 8], stride: 1, pad: 'valid' },
    { name: 'same, stride 1, 3→4 channels', x: [3, 8, 8, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { name: 'same, stride 1, 5×5 kernel, 16→3 channels', x: [2, 10, 10, 16], k: [5, 5, 16, 3], stride: 1, pad: 'same' },
    { name: 'valid, stride 2, 4→6 channels', x: [2, 11, 11, 4], k: [3, 3, 4, 6], stride: 2, pad: 'valid' },
    { name: 'same, stride 2, odd size', x: [2, 9, 9, 2], k: [3, 3, 2, 5], stride: 2, pad: 'same' },
    { name: 'same, stride 2, even size, 4×4 kernel', x: [1, 8, 8, 3], k: [4, 4, 3, 2], stride: 2, pad: 'same' },
  ] as const;

  /** Gradients of sum(conv2d(x, w) · dy) with respect to x and w on the given backend. */
  async function gradients(backend: string, values: { x: number[]; w: number[]; dy: number[] }, c: (typeof cases)[number]) {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor4d(values.x, [...c.x]);
      const w = tf.tensor4d(values.w, [...c.k]);
      const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      const dy = tf.tensor(values.dy, conv(x, w).shape);
      const plain = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dy)))([x, w]);
      // Layers use the fused op, whose custom gradient calls the backprop kernels directly.
      const fused = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: c.stride, pad: c.pad }), dy)),
      )([x, w]);
      return [...plain, ...fused].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    });
  }

  it.each(cases)('$name matches the cpu kernels', async (c) => {
    const random = (shape: readonly number[], seed: number) => Array.from(tf.randomNormal([...shape], 0, 1, 'float32', seed).dataSync());
    const outShape = tf.conv2d(tf.zeros([...c.x]) as tf.Tensor4D, tf.zeros([...c.k]) as tf.Tensor4D, c.stride, c.pad).shape;
    const values = { x: random(c.x, 1), w: random(c.k, 2), dy: random(outShape, 3) };

    const expected = await gradients('cpu', values, c);
    const actual = await gradients('wasm', values, c);

    actual.forEach((gradient, i) => {
      expect(gradient.shape).toEqual(expected[i].shape);
      const maxError = Math.max(...gradient.values.map((v, j) => Math.abs(v - expected[i].values[j])));
      expect(maxError).toBeLessThan(1e-3);
    });
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
      tf.grads(loss)([tf.ones([2, 6, 6, 3]), tf.ones([3, 3, 3, 4])]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
