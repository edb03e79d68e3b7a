/**
 * Training throughput of the default architecture (digit-net), per available backend, measured
 * in one run: one engine on the main thread, then the data-parallel worker pool `train` uses.
 * Ratios between rows are what to compare; absolute figures depend on the machine.
 */
import * as os from 'node:os';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { SeededRandom } from '@live-digits/digit-data/random';
import { BACKEND_NAMES, BackendName, tf } from '@live-digits/shared/tf/tf';
import { initTrainingTensorFlow } from '../training/src/tf/wasm-training-kernels';
import { augmentBatch } from '../training/src/augmentation/augment';
import { buildDigitNet } from '../training/src/model/digit-net';
import { flattenWeights } from '../training/src/trainer/flat-weights';
import { shareImageSet } from '../training/src/trainer/protocol';
import { GradientWorkerPool } from '../training/src/trainer/worker-pool';

const BATCH = 128;
/** XNNPACK builds its operators on first use: keep that out of the figures. */
const WARM_UP_STEPS = 3;

/** Images/s of one engine on this thread; `batch` is smaller for the pure-JS cpu backend, which manages a few images/s. */
async function singleEngine(backend: BackendName, pixels: Float32Array, labels: Uint8Array, seconds: number, batch = BATCH): Promise<number> {
  await tf.setBackend(backend);
  const model = buildDigitNet(1);
  const optimizer = tf.train.adam(1e-3);
  // The normalisation layer is fixed: only the trainable weights get gradients, as in training.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const random = new SeededRandom(1);
  let step = 0;
  const train = () =>
    tf.tidy(() => {
      const offset = (step++ * batch) % (labels.length - batch);
      const images = augmentBatch(pixels.subarray(offset * 784, (offset + batch) * 784), batch, random);
      const targets = tf.oneHot(tf.tensor1d(labels.subarray(offset, offset + batch), 'int32'), 10);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, model.apply(images, { training: true }) as tf.Tensor) as tf.Scalar, false, variables);
    });
  for (let i = 0; i < WARM_UP_STEPS; i++) train();
  let images = 0;
  const started = Date.now();
  do {
    train();
    images += batch;
  } while (Date.now() - started < seconds * 1000);
  model.dispose();
  return images / ((Date.now() - started) / 1000);
}

async function workerPool(backend: BackendName, workers: number, bytes: Uint8Array, labels: Uint8Array, seconds: number): Promise<number> {
  const set = shareImageSet(bytes, labels);
  const pool = await GradientWorkerPool.start(workers, {
    backend,
    sets: { train: set, validation: set, test: set },
    initialWeights: flattenWeights(buildDigitNet(1)),
    architectureSeed: 1,
    weightDecay: 0.01,
    labelSmoothing: 0.1,
  });
  const indices = () => Int32Array.from({ length: BATCH }, (_, i) => (i * 7919 + images) % labels.length);
  let images = 0;
  for (let i = 0; i < WARM_UP_STEPS; i++) await pool.step(indices(), i, 1e-3);
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    await pool.step(indices(), images, 1e-3);
    images += BATCH;
  }
  await pool.close();
  return images / ((Date.now() - started) / 1000);
}

export async function benchTraining(seconds = 15): Promise<void> {
  const mnist = readMnistSplit(bundledMnistDir(), 'train');
  const count = 4096;
  const bytes = mnist.images.pixels.subarray(0, count * 784);
  const labels = mnist.labels.subarray(0, count);
  const pixels = Float32Array.from(bytes, (v) => v / 255);
  console.log(`Training throughput, digit-net, batch ${BATCH}, ${seconds}s per row (${os.availableParallelism()} cores)`);
  const rows: Array<[string, number]> = [];
  // Registers what can load (tfjs-node when present) and the wasm gradient kernels.
  await initTrainingTensorFlow();
  for (const backend of BACKEND_NAMES) {
    const available = await tf.setBackend(backend).catch(() => false);
    if (!available) {
      console.log(`  ${backend.padEnd(10)} not available here`);
      continue;
    }
    if (backend === 'cpu') {
      rows.push([`cpu, 1 engine (batch 16)`, await singleEngine(backend, pixels, labels, 1, 16)]);
      continue;
    }
    rows.push([`${backend}, 1 engine`, await singleEngine(backend, pixels, labels, seconds)]);
    const workers = Math.min(2, os.availableParallelism());
    rows.push([`${backend}, ${workers} workers (train)`, await workerPool(backend, workers, bytes, labels, seconds)]);
  }
  const base = rows[0][1];
  for (const [name, rate] of rows) console.log(`  ${name.padEnd(28)} ${rate.toFixed(rate < 10 ? 1 : 0).padStart(6)} images/s  ×${(rate / base).toFixed(2)}`);
}

if (require.main === module) void benchTraining();
