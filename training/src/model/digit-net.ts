/**
 * The digit network. Chosen for what trains fast on wasm's XNNPACK without giving up accuracy:
 * no BatchNorm (its tfjs gradient tiles every statistic to the activation's shape and cost
 * more than the convolutions), 'valid' convolutions after the first so each stage shrinks,
 * and max-pooling for downsampling (strided convs would need wasm's slow transposed conv).
 *
 * Model contract (documented in README): input [N, 28, 28, 1] float in [0, 1], white ink on
 * black, MNIST-centred; output [N, 10] softmax probabilities. Normalisation lives inside.
 */
import { tf } from '@live-digits/shared/tf/tf';

export const DIGIT_NET_ARCHITECTURE =
  'normalise → conv32 3×3 same → conv32 3×3 → maxpool 2 → conv64 3×3 → conv64 3×3 → maxpool 2 → dropout 0.25 → dense 128 → dropout 0.4 → dense 10 softmax';

/** MNIST's mean and standard deviation of pixel values in [0, 1], so inputs reach the first conv zero-centred. */
const MNIST_MEAN = 0.1307;
const MNIST_STD = 0.3081;

export function buildDigitNet(seed: number): tf.LayersModel {
  let nextSeed = seed;
  const init = () => tf.initializers.heNormal({ seed: nextSeed++ });
  const conv = (filters: number, padding: 'same' | 'valid') =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding, activation: 'relu', kernelInitializer: init() });

  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  // A 1×1 depthwise conv with fixed weights is a plain layer every tfjs loader knows, unlike a
  // Lambda: it applies (x − mean) / std inside the model so callers feed raw [0, 1] pixels.
  const normalisation = [tf.tensor4d([1 / MNIST_STD], [1, 1, 1, 1]), tf.tensor1d([-MNIST_MEAN / MNIST_STD])];
  const normalise = tf.layers.depthwiseConv2d({
    kernelSize: 1,
    depthMultiplier: 1,
    trainable: false,
    weights: normalisation,
    name: 'normalise',
  });
  let x = normalise.apply(input) as tf.SymbolicTensor;
  x = conv(32, 'same').apply(x) as tf.SymbolicTensor;
  x = conv(32, 'valid').apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = conv(64, 'valid').apply(x) as tf.SymbolicTensor;
  x = conv(64, 'valid').apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.25 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.4 }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: 10,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed++ }),
      name: 'probabilities',
    })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'digit-net' });
  // The layer copied them into its own variables when it was built.
  tf.dispose(normalisation);
  return model;
}
