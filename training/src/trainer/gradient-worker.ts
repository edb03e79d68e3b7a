/**
 * A gradient worker: its own TensorFlow.js engine on its own core. It computes the gradient of
 * one shard of each batch, and applies the averaged gradient it is sent back, so every worker's
 * weights stay bit-identical without ever being copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SeededRandom } from '@live-digits/digit-data/random';
import { tf } from '@live-digits/shared/tf/tf';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { augmentBatch } from '../augmentation/augment';
import { argMaxRows, predictInChunks } from '../evaluation/predict';
import { buildDigitNet } from '../model/digit-net';
import { flattenWeights, setFlatWeights } from './flat-weights';
import { ImageSetName, SharedImageSet, WorkerRequest, WorkerResponse, WorkerSetup } from './protocol';

class GradientWorker {
  private readonly model: tf.LayersModel;
  private readonly variables: tf.Variable[];
  private readonly dropouts: tf.layers.Layer[];
  private readonly optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  private readonly sets: Record<ImageSetName, { pixels: Uint8Array; labels: Uint8Array }>;

  constructor(private readonly setup: WorkerSetup) {
    this.model = buildDigitNet(setup.architectureSeed);
    setFlatWeights(this.model, setup.initialWeights);
    this.variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.dropouts = this.model.layers.filter((layer) => layer.getClassName() === 'Dropout');
    const view = (set: SharedImageSet) => ({ pixels: new Uint8Array(set.pixels), labels: new Uint8Array(set.labels) });
    this.sets = { train: view(setup.sets.train), validation: view(setup.sets.validation), test: view(setup.sets.test) };
  }

  /** Pixels of the chosen images as 28×28 floats in [0, 1], concatenated. */
  private pixels(set: ImageSetName, indices: ArrayLike<number>): Float32Array {
    const source = this.sets[set].pixels;
    const floats = new Float32Array(indices.length * IMAGE_PIXELS);
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i] * IMAGE_PIXELS;
      for (let p = 0; p < IMAGE_PIXELS; p++) floats[i * IMAGE_PIXELS + p] = source[from + p] / 255;
    }
    return floats;
  }

  /**
   * Dropout layers draw their masks with the `seed` they hold, read on every call; unseeded they
   * fell back on Math.random and no two runs with one --seed trained alike. A seed per step and
   * layer, from the step's own seed, makes the masks part of the run's seeded stream and still
   * fresh at every step (a fixed seed would drop the same units every time).
   */
  private seedDropout(stepSeed: number): void {
    this.dropouts.forEach((layer, k) => ((layer as unknown as { seed?: number }).seed = stepSeed * this.dropouts.length + k));
  }

  async gradients(indices: Int32Array, augmentationSeed: number): Promise<WorkerResponse> {
    const labels = Int32Array.from(indices, (i) => this.sets.train.labels[i]);
    this.seedDropout(augmentationSeed);
    let predictions: tf.Tensor | undefined;
    const { value, grads } = tf.tidy(() => {
      const batch = augmentBatch(this.pixels('train', indices), indices.length, new SeededRandom(augmentationSeed));
      // Plain cross-entropy on one-hot targets. Label smoothing (used before) capped every answer
      // near 93% sure, which a person reads as doubt; confidence is now set by the temperature
      // fitted after training instead, which keeps the probabilities honest without capping them.
      const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASS_COUNT);
      return tf.variableGrads(() => {
        const probabilities = this.model.apply(batch, { training: true }) as tf.Tensor2D;
        predictions = tf.keep(tf.argMax(probabilities, 1));
        return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probabilities, 1e-7, 1))), 1))) as tf.Scalar;
      }, this.variables);
    });
    const flat = tf.tidy(() => tf.concat(this.variables.map((v) => tf.reshape(grads[v.name], [-1]))));
    const [gradientData, lossData, predicted] = await Promise.all([flat.data(), value.data(), predictions!.data()]);
    tf.dispose([flat, value, predictions!, ...Object.values(grads)]);
    const correct = labels.reduce((sum, label, i) => sum + (predicted[i] === label ? 1 : 0), 0);
    return { type: 'gradients', gradients: gradientData as Float32Array, loss: lossData[0], correct, count: indices.length };
  }

  apply(flat: Float32Array, learningRate: number): WorkerResponse {
    tf.tidy(() => {
      let offset = 0;
      const named = this.variables.map((v) => {
        const tensor = tf.tensor(flat.subarray(offset, offset + v.size), v.shape);
        offset += v.size;
        return { name: v.name, tensor };
      });
      // The learning rate follows the trainer's schedule; Adam reads it on every update.
      (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      this.optimizer.applyGradients(named);
      // Decoupled weight decay (AdamW) on kernels only, never on biases.
      const decay = 1 - learningRate * this.setup.weightDecay;
      for (const v of this.variables) if (v.name.endsWith('kernel')) v.assign(tf.mul(v, decay));
    });
    return { type: 'applied' };
  }

  async predict(set: ImageSetName, start: number, end: number): Promise<WorkerResponse> {
    const images = { pixels: this.sets[set].pixels.subarray(start * IMAGE_PIXELS, end * IMAGE_PIXELS), count: end - start };
    return { type: 'predictions', predictions: argMaxRows(await predictInChunks(this.model, images)) };
  }

  weights(): WorkerResponse {
    return { type: 'weights', weights: flattenWeights(this.model) };
  }
}

async function main(): Promise<void> {
  const setup = workerData as WorkerSetup;
  const backend = await initGradientTensorFlow({ backend: setup.backend });
  const worker = new GradientWorker(setup);
  const port = parentPort!;
  const reply = (response: WorkerResponse) => {
    const transfer =
      'gradients' in response
        ? [response.gradients.buffer]
        : 'predictions' in response
          ? [response.predictions.buffer]
          : 'weights' in response
            ? [response.weights.buffer]
            : [];
    port.postMessage(response, transfer as ArrayBuffer[]);
  };
  port.on('message', (request: WorkerRequest) => {
    const handle = async (): Promise<WorkerResponse> => {
      switch (request.type) {
        case 'gradients':
          return worker.gradients(request.indices, request.augmentationSeed);
        case 'apply':
          return worker.apply(request.gradients, request.learningRate);
        case 'predict':
          return worker.predict(request.set, request.start, request.end);
        case 'weights':
          return worker.weights();
      }
    };
    handle().then(reply, (error: unknown) =>
      reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  reply({ type: 'ready', backend });
}

void main().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse);
});
