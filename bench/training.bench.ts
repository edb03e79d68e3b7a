/**
 * Training throughput of the default architecture (digit-net), per available backend, measured
 * in one run: one engine on the main thread, then the data-parallel worker pool `train` uses.
 * Then inference per image of the committed model against the first digit-net (v1, read from git
 * history), in the same run. Ratios between rows are what to compare; absolute figures depend on
 * the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MODEL_DIR, loadModel, MODEL_JSON, WEIGHTS_BIN } from '@live-digits/shared/model/model-files';
import { IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { percentile } from './support/stats';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { SeededRandom } from '@live-digits/digit-data/random';
import { BACKEND_NAMES, BackendName, tf } from '@live-digits/shared/tf/tf';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { augmentBatch } from '../training/src/augmentation/augment';
import { buildDigitNet } from '../training/src/model/digit-net';
import { flattenWeights } from '../training/src/trainer/flat-weights';
import { shareImageSet } from '../training/src/trainer/protocol';
import { GradientWorkerPool } from '../training/src/trainer/worker-pool';

const BATCH = 128;
/** XNNPACK builds its operators on first use: keep that out of the figures. */
const WARM_UP_STEPS = 3;

/** Images/s of one engine on this thread; `batch` is smaller for the pure-JS cpu backend, which manages a few images/s. */
async function singleEngine(
  backend: BackendName,
  pixels: Float32Array,
  labels: Uint8Array,
  seconds: number,
  batch = BATCH,
): Promise<number> {
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
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(targets, model.apply(images, { training: true }) as tf.Tensor) as tf.Scalar,
        false,
        variables,
      );
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
  await initGradientTensorFlow();
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
  for (const [name, rate] of rows)
    console.log(`  ${name.padEnd(28)} ${rate.toFixed(rate < 10 ? 1 : 0).padStart(6)} images/s  ×${(rate / base).toFixed(2)}`);
  console.log('');
  // Part of `npm run bench`: what a trained model costs the server, beside what it costs to train.
  await benchInference();
}

/** The commit that holds the first digit-net (97.30% on drawings, label smoothing): the baseline of model v2's "≤ 2× inference" target. */
const V1_MODEL_COMMIT = '0efa423';

/** Median milliseconds of one forward pass over `batch` images, over `rounds` passes after a warm-up. */
function forwardMilliseconds(model: tf.LayersModel, images: Float32Array, batch: number, rounds: number): number {
  const input = tf.tensor4d(images.subarray(0, batch * IMAGE_PIXELS), [batch, IMAGE_SIDE, IMAGE_SIDE, 1]);
  const run = () => tf.tidy(() => (model.predict(input) as tf.Tensor).dataSync());
  for (let i = 0; i < 10; i++) run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  input.dispose();
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/** v1 from git history into a temporary folder, or null outside a git checkout. */
function v1ModelDir(): string | null {
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'digit-net-v1-'));
    for (const file of [MODEL_JSON, WEIGHTS_BIN]) {
      writeFileSync(
        path.join(dir, file),
        execFileSync('git', ['show', `${V1_MODEL_COMMIT}:${DEFAULT_MODEL_DIR}/${file}`], { maxBuffer: 64 << 20 }),
      );
    }
    return dir;
  } catch {
    return null;
  }
}

/** Inference per image on the wasm backend, as the server runs it: one drawing (batch 1) and a micro-batch of 16. */
export async function benchInference(rounds = 300): Promise<void> {
  await initGradientTensorFlow({ backend: 'wasm' });
  // The throughput rows leave the last backend they measured (cpu) active; start-up is done once per process.
  if (!(await tf.setBackend('wasm'))) throw new Error("setBackend('wasm') failed");
  const mnist = readMnistSplit(bundledMnistDir(), 't10k');
  const images = Float32Array.from(mnist.images.pixels.subarray(0, 16 * IMAGE_PIXELS), (v) => v / 255);
  const v1Dir = v1ModelDir();
  const models: Array<[string, string]> = [
    [`committed (${DEFAULT_MODEL_DIR})`, DEFAULT_MODEL_DIR],
    ...(v1Dir ? [[`v1 (git ${V1_MODEL_COMMIT})`, v1Dir] as [string, string]] : []),
  ];
  console.log(`Inference per image on wasm, median of ${rounds} forward passes`);
  const figures: number[][] = [];
  for (const [name, dir] of models) {
    const model = await loadModel(dir);
    const single = forwardMilliseconds(model, images, 1, rounds);
    const batched = forwardMilliseconds(model, images, 16, rounds) / 16;
    figures.push([single, batched]);
    console.log(
      `  ${name.padEnd(34)} batch 1: ${single.toFixed(3)} ms   batch 16: ${batched.toFixed(3)} ms/image   ${model.countParams().toLocaleString('en')} parameters`,
    );
    model.dispose();
  }
  if (figures.length === 2) {
    console.log(
      `  committed / v1: ×${(figures[0][0] / figures[1][0]).toFixed(2)} (batch 1), ×${(figures[0][1] / figures[1][1]).toFixed(2)} (batch 16)`,
    );
  }
  if (v1Dir) rmSync(v1Dir, { recursive: true, force: true });
}

if (require.main === module) void benchTraining();
