import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ModelPayload } from '@live-digits/shared';
import { BackendName, initTensorFlow, tf } from '@live-digits/shared/tf/tf';
import { fallbackModelId, loadModelFolder, MODEL_FOLDER_FILES } from '@live-digits/shared/model/model-files';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import type { ModelMetadata } from '@live-digits/shared/model/model-metadata';
import { checkKnownAnswers, KnownAnswerDigits, sampleKnownAnswerDigits } from '@live-digits/shared/model/known-answer';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';
import { MetricsService } from '../metrics/metrics.service';
import { encodeInsight, RawInsight } from './insight/insight-encoding';
import { runInsightPass } from './insight/insight-pass';
import { buildInsightView, InsightView } from './insight/insight-view';

export interface ModelInfo extends ModelPayload {
  /** metadata.json as the training command wrote it (null when the folder has none). */
  metadata: ModelMetadata | null;
  loadedAt: string;
}

export interface Prediction {
  /** Ten softmax probabilities for digits 0–9. */
  probabilities: Float32Array;
  /** The model that actually answered (a swap may happen while a frame waits). */
  modelId: string;
}

/** What {@link ModelService.explain} answers: the probabilities and the network's insides, one of each per image. */
export interface Explanation {
  modelId: string;
  probabilities: Float32Array[];
  insights: RawInsight[];
}

interface LoadedModel {
  model: tf.LayersModel;
  /**
   * A multi-output view of `model` (same layers, same weights): disposed with it, never on its own.
   * Null when it failed its warm-up: the model still serves, without insight.
   */
  insightView: InsightView | null;
  info: ModelInfo;
}

interface QueuedImage {
  pixels: Float32Array;
  resolve(prediction: Prediction): void;
  reject(error: unknown): void;
}

/**
 * Owns the network: loads and warms it, answers predictions in micro-batches across all sockets,
 * and swaps in a new model when the folder changes (polled) or on SIGHUP — a new model serves
 * only after it loaded (checksum and contract checked), passed a warm-up and, when its metadata
 * records a measured test accuracy, scored close to it on MNIST test digits (the known-answer
 * check); a broken one is refused and the old one keeps serving under its own id.
 *
 * Tensors: every batch is built and run inside `tf.tidy`; its one surviving output is read with
 * `await data()` (never `dataSync()`, which would block the event loop) and disposed in `finally`.
 */
@Injectable()
export class ModelService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(ModelService.name);
  private loaded: LoadedModel | undefined;
  private backendName: BackendName | undefined;
  private readonly swapListeners = new Set<(info: ModelInfo) => void>();

  private readonly queue: QueuedImage[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Images being preprocessed right now, which may join the next batch: the only ones worth waiting for. */
  private arriving = 0;

  private reloads: Promise<unknown> = Promise.resolve();
  private watchTimer: NodeJS.Timeout | undefined;
  /** The folder's fingerprint when it was last loaded (or refused), and at the last poll. */
  private fingerprintTried: string | undefined;
  private fingerprintPolled: string | undefined;
  private polling = false;
  private readonly onSighup = () => void this.reload('SIGHUP');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.backendName = await initTensorFlow({ backend: this.config.tfjsBackend, log: (message) => this.logger.log(message) });
    await this.reload('start-up');
    process.on('SIGHUP', this.onSighup);
    if (this.config.modelWatchMs > 0) {
      this.watchTimer = setInterval(() => void this.poll(), this.config.modelWatchMs);
      this.watchTimer.unref();
    }
  }

  onModuleDestroy(): void {
    process.off('SIGHUP', this.onSighup);
    clearInterval(this.watchTimer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reloads;
    await this.running;
    this.loaded?.model.dispose();
    this.loaded = undefined;
  }

  get backend(): BackendName | undefined {
    return this.backendName;
  }

  get info(): ModelInfo | undefined {
    return this.loaded?.info;
  }

  /** The model serving now; throws MODEL_UNAVAILABLE while none is loaded. */
  requireInfo(): ModelInfo {
    if (!this.loaded) throw noModelLoaded();
    return this.loaded.info;
  }

  /** Called with the new model's info after every successful swap (including the first load). */
  onSwap(listener: (info: ModelInfo) => void): () => void {
    this.swapListeners.add(listener);
    return () => this.swapListeners.delete(listener);
  }

  /**
   * Says an image is on its way (being preprocessed), so a batch that is forming waits for it
   * (up to the batch window). Call the returned function when it arrives at predict() or will not.
   * With nothing on its way a batch runs at once: a lone drawer never waits for the window.
   */
  announce(): () => void {
    this.arriving++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.arriving--;
      if (this.arriving === 0 && this.queue.length) this.scheduleBatch();
    };
  }

  /** Queues one 28×28 image for the next micro-batch. */
  predict(pixels: Float32Array): Promise<Prediction> {
    return this.predictAll([pixels]).then(([prediction]) => prediction);
  }

  /**
   * Queues several 28×28 images (a frame's digits and their alternative readings) all at once,
   * before a batch is scheduled, so they run in the same micro-batch (up to `batchMaxSize`).
   */
  predictAll(images: Float32Array[]): Promise<Prediction[]> {
    if (!this.loaded) return Promise.reject(noModelLoaded());
    const wrong = images.find((pixels) => pixels.length !== IMAGE_PIXELS);
    if (wrong) return Promise.reject(new Error(`predict() needs ${IMAGE_PIXELS} pixels, got ${wrong.length}`));
    const predictions = images.map((pixels) => new Promise<Prediction>((resolve, reject) => this.queue.push({ pixels, resolve, reject })));
    this.scheduleBatch();
    return Promise.all(predictions);
  }

  /**
   * Runs `images` (28×28 each) through the serving model's insight view at once, outside the
   * micro-batches: one forward pass for the probabilities and activations, and its backward pass
   * for the saliency of `targets[i]` (undefined: the top guess). The weights are only read before
   * the first await, so a swap that disposes this model meanwhile harms nothing.
   */
  async explain(images: Float32Array[], targets: Array<number | undefined>): Promise<Explanation> {
    const loaded = this.loaded;
    if (!loaded) throw noModelLoaded();
    const view = loaded.insightView;
    if (!view)
      throw new ClientError('MODEL_UNAVAILABLE', `The serving model ${loaded.info.modelId} cannot show its insides; ask without insight.`);
    const passes = await runInsightPass(view, images, targets);
    return {
      modelId: loaded.info.modelId,
      probabilities: passes.map((pass) => pass.probabilities),
      insights: passes.map((pass) => encodeInsight(view.layers, pass)),
    };
  }

  /** Loads the folder's model and swaps it in if it works. Serialised: reloads never overlap. */
  reload(reason: string): Promise<boolean> {
    const attempt = this.reloads.then(() => this.loadAndSwap(reason));
    this.reloads = attempt.catch(() => undefined);
    return attempt;
  }

  // —— micro-batching ——

  /**
   * A batch closes `batchWindowMs` after its first image, at `batchMaxSize` images, or as soon as
   * no other image is on its way. While a batch runs, new images queue; they run together as soon
   * as it ends.
   */
  private scheduleBatch(): void {
    if (this.running) return;
    if (this.queue.length >= this.config.batchMaxSize || this.config.batchWindowMs === 0 || this.arriving === 0) {
      this.runNextBatch();
    } else {
      this.batchTimer ??= setTimeout(() => this.runNextBatch(), this.config.batchWindowMs);
    }
  }

  private runNextBatch(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.running || !this.queue.length) return;
    const batch = this.queue.splice(0, this.config.batchMaxSize);
    this.running = this.runBatch(batch).finally(() => {
      this.running = undefined;
      if (this.queue.length) this.runNextBatch();
    });
  }

  private async runBatch(batch: QueuedImage[]): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) {
      batch.forEach((item) =>
        item.reject(new ClientError('MODEL_UNAVAILABLE', 'The model was unloaded because the server is shutting down.')),
      );
      return;
    }
    this.metrics.batchSize.observe(batch.length);
    const input = new Float32Array(batch.length * IMAGE_PIXELS);
    batch.forEach((item, i) => input.set(item.pixels, i * IMAGE_PIXELS));
    let output: tf.Tensor | undefined;
    try {
      output = tf.tidy(() => loaded.model.predict(tf.tensor4d(input, [batch.length, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor);
      const values = (await output.data()) as Float32Array;
      batch.forEach((item, i) =>
        item.resolve({ probabilities: values.slice(i * CLASS_COUNT, (i + 1) * CLASS_COUNT), modelId: loaded.info.modelId }),
      );
    } catch (error) {
      batch.forEach((item) => item.reject(error));
    } finally {
      output?.dispose();
    }
  }

  // —— loading and hot swap ——

  private async loadAndSwap(reason: string): Promise<boolean> {
    const dir = this.config.modelDir;
    this.fingerprintTried = await this.fingerprint();
    let candidate: LoadedModel;
    try {
      candidate = await this.loadCandidate(dir, this.fingerprintTried);
    } catch (error) {
      const serving = this.loaded ? `; still serving ${this.loaded.info.modelId}` : '; no model is serving, frames get MODEL_UNAVAILABLE';
      this.logger.error(`Refused the model in ${dir} (${reason}): ${error instanceof Error ? error.message : String(error)}${serving}`);
      return false;
    }
    const previous = this.loaded;
    const inUse = this.running;
    this.loaded = candidate; // the next batch uses the new model; the running one keeps the old
    const { modelId, testAccuracy } = candidate.info;
    this.logger.log(`Serving model ${modelId} (test accuracy ${testAccuracy ?? 'unknown'}) from ${dir} after ${reason}`);
    for (const listener of this.swapListeners) listener(candidate.info);
    if (previous) {
      await inUse;
      previous.model.dispose();
    }
    return true;
  }

  /**
   * Loads (metadata, checksum and contract checked by the model package), warms up (first calls
   * allocate), runs the known-answer check; disposes on failure.
   */
  private async loadCandidate(dir: string, fingerprint: string): Promise<LoadedModel> {
    const { model, metadata } = await loadModelFolder(dir);
    try {
      for (const size of new Set([1, this.config.batchMaxSize])) await this.warmUp(model, size);
      if (metadata) await this.checkKnownAnswers(model, metadata);
    } catch (error) {
      model.dispose();
      throw error;
    }
    const modelId = metadata?.modelId ?? fallbackModelId(dir, fingerprint);
    const insightView = await this.insightViewOf(model, modelId);
    return {
      model,
      insightView,
      info: { modelId, testAccuracy: metadata?.testAccuracy ?? null, metadata, loadedAt: new Date().toISOString() },
    };
  }

  /**
   * The model's insight view, warmed up once (its first backward pass allocates), or null when this
   * model cannot be explained (a layer without a gradient here): it serves all the same.
   * A view adds no tensor, so there is nothing to undo.
   */
  private async insightViewOf(model: tf.LayersModel, modelId: string): Promise<InsightView | null> {
    try {
      const view = buildInsightView(model);
      await runInsightPass(view, [new Float32Array(IMAGE_PIXELS)], [undefined]);
      return view;
    } catch (error) {
      this.logger.warn(`Model ${modelId} serves without insight: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private async warmUp(model: tf.LayersModel, size: number): Promise<void> {
    const output = tf.tidy(() => model.predict(tf.zeros([size, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor);
    try {
      const values = (await output.data()) as Float32Array;
      for (let row = 0; row < size; row++) {
        const probabilities = values.subarray(row * CLASS_COUNT, (row + 1) * CLASS_COUNT);
        const sum = probabilities.reduce((a, b) => a + b, 0);
        if (!probabilities.every(Number.isFinite) || Math.abs(sum - 1) > 1e-3) {
          throw new Error(`its warm-up output is not ten probabilities summing to 1 (sum ${sum})`);
        }
      }
    } finally {
      output.dispose();
    }
  }

  /**
   * A model must recognise MNIST test digits about as well as its metadata says it did when it was
   * saved. Only a measured accuracy can be checked: a model that saw no training images (a test
   * fixture with a stated figure) has none, and neither has a folder without metadata.json.
   */
  private async checkKnownAnswers(model: tf.LayersModel, metadata: ModelMetadata): Promise<void> {
    if (this.config.modelCheckDigits === 0 || metadata.trainingImages === 0) return;
    const verdict = await checkKnownAnswers(model, knownAnswerDigits(this.config.modelCheckDigits), metadata.testAccuracy);
    const figures = `${(verdict.accuracy * 100).toFixed(1)}% of ${this.config.modelCheckDigits} MNIST test digits`;
    if (!verdict.passed) {
      throw new Error(
        `it recognises ${figures}, below ${(verdict.floor * 100).toFixed(1)}% for its recorded test accuracy ${metadata.testAccuracy} (damaged weights?)`,
      );
    }
    this.logger.log(`Known-answer check of ${metadata.modelId}: ${figures} (recorded ${metadata.testAccuracy})`);
  }

  /** Size and mtime of the three files: cheap to poll, changes whenever training saves. */
  private async fingerprint(): Promise<string> {
    const parts = await Promise.all(
      MODEL_FOLDER_FILES.map((file) =>
        stat(path.join(this.config.modelDir, file)).then(
          (stats) => `${file}:${stats.size}:${stats.mtimeMs}`,
          () => `${file}:-`,
        ),
      ),
    );
    return parts.join('|');
  }

  /** Reloads once the folder changed and then stayed the same for one poll, so a save in progress is not read. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const current = await this.fingerprint();
      const settled = current === this.fingerprintPolled;
      this.fingerprintPolled = current;
      if (settled && current !== this.fingerprintTried) await this.reload('a change on disk');
    } finally {
      this.polling = false;
    }
  }
}

/** Read once per process (the split is 8 MB of bytes; the sample a few hundred kB of floats). */
const knownAnswerSamples = new Map<number, KnownAnswerDigits>();
function knownAnswerDigits(count: number): KnownAnswerDigits {
  let digits = knownAnswerSamples.get(count);
  if (!digits) {
    digits = sampleKnownAnswerDigits(readMnistSplit(bundledMnistDir(), 't10k'), count);
    knownAnswerSamples.set(count, digits);
  }
  return digits;
}

function noModelLoaded(): ClientError<'MODEL_UNAVAILABLE'> {
  return new ClientError(
    'MODEL_UNAVAILABLE',
    'No model is loaded yet; the server starts using one as soon as it is saved in its model folder.',
  );
}
