/**
 * One training run: data, data-parallel optimisation with a one-cycle schedule, best epoch by
 * validation accuracy, then a single evaluation on MNIST's test set and on generated drawings,
 * and the model, metadata.json and a report written to the output folder.
 */
import { Injectable } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { SeededRandom } from '@live-digits/digit-data/random';
import { DEFAULT_MODEL_DIR, loadModel, modelIdFor, REPORT_PNG, REPORT_SVG, saveModel, writeModelMetadata } from '@live-digits/shared/model/model-files';
import { MODEL_CONTRACT_TEXT } from '@live-digits/shared/model/model-contract';
import { BackendName, tf } from '@live-digits/shared/tf/tf';
import { initTrainingTensorFlow } from './tf/wasm-training-kernels';
import { DEFAULT_AUGMENTATION } from './augmentation/augment';
import { loadTrainingData, TrainingData } from './data/training-data';
import { summarise } from './evaluation/classification-summary';
import { EvaluationService } from './evaluation/evaluation.service';
import { buildDigitNet, DIGIT_NET_ARCHITECTURE } from './model/digit-net';
import { EpochRecord, ModelMetadata } from '@live-digits/shared/model/model-metadata';
import { renderTrainingReport } from './report/training-report';
import { flattenWeights, setFlatWeights } from './trainer/flat-weights';
import { oneCycleLearningRate } from './trainer/learning-rate';
import { shareImageSet } from './trainer/protocol';
import { GradientWorkerPool } from './trainer/worker-pool';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  out: string;
  resume: boolean;
  dataDir?: string;
  limit?: number;
  feedbackDir?: string;
  backend?: BackendName;
  workers: number;
  validationSize: number;
  drawnSetSize: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 10,
  batchSize: 128,
  learningRate: 3e-3,
  seed: 42,
  out: DEFAULT_MODEL_DIR,
  resume: false,
  workers: Math.max(1, Math.min(2, os.availableParallelism())),
  validationSize: 5000,
  drawnSetSize: 1000,
};

const WEIGHT_DECAY = 0.01;
const LABEL_SMOOTHING = 0.1;

export interface StepProgress {
  step: number;
  steps: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
  elapsedSeconds: number;
}

export interface TrainingObserver {
  log(message: string): void;
  epochStart(epoch: number, epochs: number, steps: number): void;
  step(progress: StepProgress): void;
  epochEnd(record: EpochRecord): void;
}

export class TrainingError extends Error {}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

@Injectable()
export class TrainingService {
  constructor(private readonly evaluation: EvaluationService) {}

  async train(options: TrainOptions, observer: TrainingObserver): Promise<ModelMetadata> {
    await this.assertWritable(options.out);
    const backend = await initTrainingTensorFlow({ backend: options.backend, log: observer.log });
    const data = await loadTrainingData(options);
    if (data.train.count < options.batchSize) {
      throw new TrainingError(`--batch-size ${options.batchSize} is larger than the ${data.train.count} training images`);
    }
    observer.log(
      `${data.train.count} training images (${data.feedbackImages} from feedback), ${data.validation.count} validation, ${data.test.count} test; ` +
        `${options.workers} worker${options.workers > 1 ? 's' : ''} on '${backend}'`,
    );

    const model = options.resume ? await this.resumeFrom(options.out) : buildDigitNet(options.seed);
    const pool = await GradientWorkerPool.start(options.workers, {
      backend,
      sets: {
        train: shareImageSet(data.train.pixels, data.train.labels),
        validation: shareImageSet(data.validation.pixels, data.validation.labels),
        test: shareImageSet(data.test.pixels, data.test.labels),
      },
      initialWeights: flattenWeights(model),
      architectureSeed: options.seed,
      weightDecay: WEIGHT_DECAY,
      labelSmoothing: LABEL_SMOOTHING,
    });

    const started = Date.now();
    const history: EpochRecord[] = [];
    let best: { epoch: number; weights: Float32Array; validationAccuracy: number } | undefined;
    let trainingSeconds = 0;
    try {
      const stepsPerEpoch = Math.floor(data.train.count / options.batchSize);
      const totalSteps = stepsPerEpoch * options.epochs;
      for (let epoch = 1; epoch <= options.epochs; epoch++) {
        const record = await this.runEpoch(pool, data, options, epoch, stepsPerEpoch, totalSteps, observer);
        trainingSeconds += record.seconds;
        const validation = summarise(data.validation.labels, await pool.predict('validation', data.validation.count));
        record.validationAccuracy = validation.accuracy;
        if (!best || validation.accuracy > best.validationAccuracy) {
          best = { epoch, weights: await pool.weights(), validationAccuracy: validation.accuracy };
          record.best = true;
        }
        history.push(record);
        observer.epochEnd(record);
      }
    } finally {
      await pool.close();
    }

    setFlatWeights(model, best!.weights);
    observer.log(`Best epoch ${best!.epoch} (validation ${(best!.validationAccuracy * 100).toFixed(2)}%); evaluating on the MNIST test set and on drawings…`);
    const test = await this.evaluation.evaluateImageSet(model, data.test);
    const drawn = await this.evaluation.evaluateGeneratedDrawings(model, data.validation, options.drawnSetSize, options.seed);
    const imagesTrained = history.reduce((sum, r) => sum + r.images, 0);
    const created = new Date();

    const metadata: ModelMetadata = {
      modelId: modelIdFor(created),
      created: created.toISOString(),
      gitCommit: gitCommit(),
      contract: { ...MODEL_CONTRACT_TEXT },
      architecture: DIGIT_NET_ARCHITECTURE,
      parameterCount: model.countParams(),
      backend,
      workers: options.workers,
      epochs: options.epochs,
      bestEpoch: best!.epoch,
      batchSize: options.batchSize,
      learningRate: { schedule: 'one-cycle (cosine)', max: options.learningRate },
      optimizer: `Adam with decoupled weight decay ${WEIGHT_DECAY}, label smoothing ${LABEL_SMOOTHING}`,
      augmentation: DEFAULT_AUGMENTATION,
      seed: options.seed,
      resumed: options.resume,
      dataSource: data.dataSource,
      trainingImages: data.train.count,
      feedbackImages: data.feedbackImages,
      validationImages: data.validation.count,
      trainingImagesPerSecond: Math.round(imagesTrained / trainingSeconds),
      trainingSeconds: Math.round(trainingSeconds),
      totalSeconds: Math.round((Date.now() - started) / 1000),
      validationAccuracy: best!.validationAccuracy,
      testAccuracy: test.accuracy,
      perClassAccuracy: test.perClassAccuracy,
      confusionMatrix: test.confusionMatrix,
      drawnSet: {
        accuracy: drawn.accuracy,
        count: drawn.count,
        empty: drawn.empty,
        description: 'held-out MNIST training digits (the validation split) redrawn as round-pen strokes, 16–32 px wide, on a 400×400 transparent canvas, through the server preprocessing',
      },
      history,
    };
    await this.writeOutputs(model, metadata, options.out);
    return metadata;
  }

  private async runEpoch(
    pool: GradientWorkerPool,
    data: TrainingData,
    options: TrainOptions,
    epoch: number,
    steps: number,
    totalSteps: number,
    observer: TrainingObserver,
  ): Promise<EpochRecord> {
    const order = new SeededRandom(options.seed * 1000 + epoch).shuffle(Int32Array.from({ length: data.train.count }, (_, i) => i));
    observer.epochStart(epoch, options.epochs, steps);
    const started = Date.now();
    let [lossSum, correct, seen, learningRate] = [0, 0, 0, 0];
    for (let step = 0; step < steps; step++) {
      const globalStep = (epoch - 1) * steps + step;
      learningRate = oneCycleLearningRate(globalStep, totalSteps, options.learningRate);
      const indices = order.slice(step * options.batchSize, (step + 1) * options.batchSize);
      const result = await pool.step(indices, options.seed * 1_000_003 + globalStep, learningRate);
      lossSum += result.loss * result.count;
      correct += result.correct;
      seen += result.count;
      const elapsedSeconds = (Date.now() - started) / 1000;
      observer.step({ step: step + 1, steps, loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: seen / elapsedSeconds, elapsedSeconds });
    }
    const seconds = (Date.now() - started) / 1000;
    return { epoch, loss: lossSum / seen, accuracy: correct / seen, validationAccuracy: 0, learningRate, images: seen, seconds, imagesPerSecond: Math.round(seen / seconds), best: false };
  }

  private async resumeFrom(dir: string): Promise<tf.LayersModel> {
    const previous = await loadModel(dir).catch((error: Error) => {
      throw new TrainingError(`--resume needs a model in --out ${dir}: ${error.message}`);
    });
    const fresh = buildDigitNet(0);
    const expected = fresh.getWeights().map((w) => w.shape.join('×'));
    const found = previous.getWeights().map((w) => w.shape.join('×'));
    if (expected.join() !== found.join()) {
      throw new TrainingError(`--resume: the model in ${dir} has a different architecture than digit-net`);
    }
    setFlatWeights(fresh, flattenWeights(previous));
    previous.dispose();
    return fresh;
  }

  private async assertWritable(dir: string): Promise<void> {
    try {
      // One level at a time: Node's recursive mkdir spins forever where a parent refuses
      // children with ENOENT (as /proc does) instead of failing.
      const missing: string[] = [];
      for (let current = path.resolve(dir); !existsSync(current); current = path.dirname(current)) missing.unshift(current);
      for (const folder of missing) await mkdir(folder);
      const probe = path.join(dir, `.write-test-${process.pid}`);
      await writeFile(probe, '');
      await rm(probe);
    } catch (error) {
      throw new TrainingError(`--out ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  private async writeOutputs(model: tf.LayersModel, metadata: ModelMetadata, dir: string): Promise<void> {
    const { weightsSha256 } = await saveModel(model, dir);
    metadata.weightsSha256 = weightsSha256;
    await writeModelMetadata(dir, metadata);
    const report = renderTrainingReport(metadata);
    await writeFile(path.join(dir, REPORT_SVG), report);
    await sharp(Buffer.from(report)).png().toFile(path.join(dir, REPORT_PNG));
  }
}
