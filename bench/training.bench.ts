/**
 * Training throughput of the default architecture (digit-net), per available backend, measured
 * in one run: one engine on the main thread, then the data-parallel worker pool `train` uses.
 * Ratios between rows are what to compare; absolute figures depend on the machine.
 */
import * as os from 'node:os';
import { bundledMnistDir, readMnistSplit } from '@live-digits/shared/mnist/mnist-files';
import { SeededRandom } from '@live-digits/shared/random';
import { BACKEND_NAMES, BackendName, initTensorFlow, tf } from '@live-digits/shared/tf/tf';
import { augmentBatch } from '../training/src/augmentation/augment';
import { buildDigitNet } from '../training/src/model/digit-net';
import { flattenWeights } from '../training/src/trainer/flat-weights';
import { GradientWorkerPool } from '../training/src/trainer/worker-pool';

const BATCH = 128;

function share(bytes: Uint8Array): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}

async function singleEngine(backend: BackendName, pixels: Float32Array, labels: Uint8Array, seconds: number): Promise<number> {
  await tf.setBackend(backend);
  const model = buildDigitNet(1);
  const optimizer = tf.train.adam(1e-3);
  const random = new SeededRandom(1);
  const step = (i: number) =>
    tf.tidy(() => {
      const offset = (i * BATCH) % (labels.length - BATCH);
      const batch = augmentBatch(pixels.subarray(offset * 784, (offset + BATCH) * 784), BATCH, random);
      const targets = tf.oneHot(tf.tensor1d(labels.subarray(offset, offset + BATCH), 'int32'), 10);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, model.apply(batch, { training: true }) as tf.Tensor) as tf.Scalar);
    });
  step(0);
  let images = 0;
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    step(images / BATCH + 1);
    images += BATCH;
  }
  model.dispose();
  return images / ((Date.now() - started) / 1000);
}

async function workerPool(backend: BackendName, workers: number, bytes: Uint8Array, labels: Uint8Array, seconds: number): Promise<number> {
  const set = { pixels: share(bytes), labels: share(labels), count: labels.length };
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
  await pool.step(indices(), 0, 1e-3);
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
  for (const backend of BACKEND_NAMES) {
    try {
      await initTensorFlow({ backend }).catch(() => tf.setBackend(backend).then((ok) => (ok ? backend : Promise.reject(new Error('unavailable')))));
    } catch {
      console.log(`  ${backend.padEnd(10)} not available here`);
      continue;
    }
    // The pure-JS cpu backend manages single-digit images/s: a short sample says enough.
    const budget = backend === 'cpu' ? Math.min(seconds, 5) : seconds;
    rows.push([`${backend}, 1 engine`, await singleEngine(backend, pixels, labels, budget)]);
    if (backend !== 'cpu') {
      const workers = Math.min(2, os.availableParallelism());
      rows.push([`${backend}, ${workers} workers (train)`, await workerPool(backend, workers, bytes, labels, seconds)]);
    }
  }
  const base = rows[0][1];
  for (const [name, rate] of rows) console.log(`  ${name.padEnd(28)} ${rate.toFixed(0).padStart(6)} images/s  ×${(rate / base).toFixed(2)}`);
}

if (require.main === module) void benchTraining();
