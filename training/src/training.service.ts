/**
 * One training run, as named steps: check the output folder, start TensorFlow.js, load the data
 * and build the drawing pool, train data-parallel with a one-cycle schedule (best epoch by
 * validation accuracy), fit and fold the temperature, evaluate once on MNIST's test set, the
 * drawn-digit set and the writing-styles set, and write model, metadata.json and report.
 */
import { Injectable } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { SeededRandom } from '@live-digits/digit-data/random';
import {
  DEFAULT_MODEL_DIR,
  loadModel,
  readModelMetadata,
  REPORT_PNG,
  REPORT_SVG,
  saveModel,
  writeModelMetadata,
} from '@live-digits/shared/model/model-files';
import { IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { Calibration, EpochRecord, ModelMetadata } from '@live-digits/shared/model/model-metadata';
import { BackendName, tf } from '@live-digits/shared/tf/tf';
import { buildDrawingPool, DrawingPool, DrawingPoolShares } from './data/drawing-pool';
import { concatImageSets, loadTrainingData, TrainingData } from './data/training-data';
import {
  CALIBRATION_BINS,
  calibrationFigures,
  fitTemperature,
  foldTemperature,
  negativeLogLikelihood,
  predictLogits,
  softmaxRows,
} from './evaluation/calibration';
import { summarise } from './evaluation/classification-summary';
import { EvaluationService } from './evaluation/evaluation.service';
import { buildDigitNet } from './model/digit-net';
import { OptionError } from './option-error';
import { renderTrainingReport } from './report/training-report';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { flattenWeights, setFlatWeights } from './trainer/flat-weights';
import { oneCycleLearningRate } from './trainer/learning-rate';
import { shareImageSet } from './trainer/protocol';
import { GradientWorkerPool } from './trainer/worker-pool';
import { buildModelMetadata, currentGitCommit, FinalEvaluation } from './training-metadata';

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
  /** Writing-styles drawings measured at the end, per style. */
  stylesSetSize: number;
  /** Canvas drawings of training digits mixed into training, per MNIST training image. */
  drawingPool: DrawingPoolShares;
}

export type TrainOption = keyof TrainOptions;

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 12,
  batchSize: 128,
  learningRate: 3e-3,
  seed: 42,
  out: DEFAULT_MODEL_DIR,
  resume: false,
  workers: Math.max(1, Math.min(2, os.availableParallelism())),
  validationSize: 5000,
  drawnSetSize: 1000,
  stylesSetSize: 100,
  drawingPool: { drawn: 0.3, styled: 0.2 },
};

/** AdamW's decoupled weight decay on kernels. */
export const WEIGHT_DECAY = 0.01;

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

/** Everything training adds to MNIST's own split. */
export interface PreparedData extends TrainingData {
  pool: DrawingPool;
  /** MNIST training images before the pool and feedback were added. */
  mnistImages: number;
}

export interface FitResult {
  history: EpochRecord[];
  bestEpoch: number;
  validationAccuracy: number;
  trainingSeconds: number;
}

@Injectable()
export class TrainingService {
  constructor(private readonly evaluation: EvaluationService) {}

  async train(options: TrainOptions, observer: TrainingObserver): Promise<ModelMetadata> {
    const started = Date.now();
    const gitCommit = currentGitCommit();
    await this.assertWritable(options.out);
    const backend = await initGradientTensorFlow({ backend: options.backend, log: observer.log });
    const data = await this.prepareData(options, observer);
    this.assertBatchFits(options, data);
    observer.log(
      `${data.train.count} training images (${data.mnistImages} MNIST, ${data.pool.drawn.count} drawn and ${data.pool.styled.count} styled canvas drawings ` +
        `built in ${data.pool.seconds.toFixed(0)}s, ${data.feedbackImages} from feedback), ${data.validation.count} validation, ${data.test.count} test; ` +
        `${options.workers} worker${options.workers > 1 ? 's' : ''} on '${backend}'`,
    );

    const model = options.resume ? await this.resumeFrom(options.out) : buildDigitNet(options.seed);
    const fit = await this.fit(model, data, options, backend, observer);
    observer.log(
      `Best epoch ${fit.bestEpoch} (validation ${(fit.validationAccuracy * 100).toFixed(2)}%); calibrating on the validation split…`,
    );
    const temperature = await this.calibrate(model, data);
    observer.log(
      `Temperature ${temperature.temperature.toFixed(3)} folded into the output layer; evaluating on the MNIST test set, drawings and writing styles…`,
    );
    const evaluation = await this.evaluateFinal(model, data, options);

    const metadata = buildModelMetadata({
      options,
      backend,
      model,
      data,
      fit,
      evaluation,
      calibration: {
        ...temperature,
        mnistTest: pickCalibration(evaluation.test),
        drawnSet: pickCalibration(evaluation.drawn),
        stylesSet: pickCalibration(evaluation.styles),
      },
      totalSeconds: (Date.now() - started) / 1000,
      gitCommit,
    });
    await this.writeOutputs(model, metadata, options.out);
    model.dispose();
    return metadata;
  }

  /** MNIST's split and feedback, plus the drawing pool made from the training split only. */
  async prepareData(options: TrainOptions, observer: TrainingObserver): Promise<PreparedData> {
    const data = await loadTrainingData(options);
    const mnistImages = data.train.count - data.feedbackImages;
    // Only MNIST's training rows are redrawn (not feedback, which is already drawings).
    const mnistTrain = {
      pixels: data.train.pixels.subarray(0, mnistImages * IMAGE_PIXELS),
      labels: data.train.labels.subarray(0, mnistImages),
      count: mnistImages,
    };
    const poolSize = Math.round(mnistImages * (options.drawingPool.drawn + options.drawingPool.styled));
    if (poolSize > 0)
      observer.log(`Drawing ${poolSize} training digits as canvas drawings on ${options.workers} thread${options.workers > 1 ? 's' : ''}…`);
    const pool = await buildDrawingPool(mnistTrain, options.drawingPool, options.seed, options.workers);
    return { ...data, train: concatImageSets([data.train, pool.drawn, pool.styled]), pool, mnistImages };
  }

  private assertBatchFits(options: TrainOptions, data: PreparedData): void {
    if (data.train.count < options.batchSize) {
      throw new OptionError<TrainOption>('batchSize', `${options.batchSize} is larger than the ${data.train.count} training images`);
    }
  }

  /** Data-parallel training; leaves the best epoch's weights in `model`. */
  async fit(
    model: tf.LayersModel,
    data: PreparedData,
    options: TrainOptions,
    backend: BackendName,
    observer: TrainingObserver,
  ): Promise<FitResult> {
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
    });
    const history: EpochRecord[] = [];
    let best: { epoch: number; weights: Float32Array; validationAccuracy: number } | undefined;
    try {
      const stepsPerEpoch = Math.floor(data.train.count / options.batchSize);
      for (let epoch = 1; epoch <= options.epochs; epoch++) {
        const record = await this.runEpoch(pool, data, options, epoch, stepsPerEpoch, observer);
        record.validationAccuracy = summarise(data.validation.labels, await pool.predict('validation', data.validation.count)).accuracy;
        if (!best || record.validationAccuracy > best.validationAccuracy) {
          best = { epoch, weights: await pool.weights(), validationAccuracy: record.validationAccuracy };
          record.best = true;
        }
        history.push(record);
        observer.epochEnd(record);
      }
    } finally {
      await pool.close();
    }
    setFlatWeights(model, best!.weights);
    return {
      history,
      bestEpoch: best!.epoch,
      validationAccuracy: best!.validationAccuracy,
      trainingSeconds: history.reduce((sum, r) => sum + r.seconds, 0),
    };
  }

  private async runEpoch(
    pool: GradientWorkerPool,
    data: PreparedData,
    options: TrainOptions,
    epoch: number,
    steps: number,
    observer: TrainingObserver,
  ): Promise<EpochRecord> {
    const totalSteps = steps * options.epochs;
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
      observer.step({
        step: step + 1,
        steps,
        loss: lossSum / seen,
        accuracy: correct / seen,
        imagesPerSecond: seen / elapsedSeconds,
        elapsedSeconds,
      });
    }
    const seconds = (Date.now() - started) / 1000;
    return {
      epoch,
      loss: lossSum / seen,
      accuracy: correct / seen,
      validationAccuracy: 0,
      learningRate,
      images: seen,
      seconds,
      imagesPerSecond: Math.round(seen / seconds),
      best: false,
    };
  }

  /**
   * Fits the softmax temperature on the validation split (never the test set, never the drawn
   * sets) and folds it into the output layer, so model.json itself gives calibrated probabilities.
   */
  async calibrate(model: tf.LayersModel, data: PreparedData): Promise<Omit<Calibration, 'mnistTest' | 'drawnSet' | 'stylesSet'>> {
    const logits = await predictLogits(model, data.validation);
    const labels = data.validation.labels;
    const temperature = fitTemperature(logits, labels);
    foldTemperature(model, temperature);
    return {
      temperature,
      bins: CALIBRATION_BINS,
      validationEceBefore: calibrationFigures(softmaxRows(logits), labels).ece,
      validationEce: calibrationFigures(softmaxRows(logits, temperature), labels).ece,
      validationNllBefore: negativeLogLikelihood(logits, labels, 1),
      validationNll: negativeLogLikelihood(logits, labels, temperature),
    };
  }

  /** The one look at MNIST's test set, and the drawn and writing-styles sets (from validation digits). */
  async evaluateFinal(model: tf.LayersModel, data: PreparedData, options: TrainOptions): Promise<FinalEvaluation> {
    return {
      test: await this.evaluation.evaluateImageSet(model, data.test),
      drawn: await this.evaluation.evaluateGeneratedDrawings(model, data.validation, options.drawnSetSize, options.seed),
      styles: await this.evaluation.evaluateWritingStyles(model, data.validation, options.stylesSetSize, options.seed),
    };
  }

  /** The model in `dir` as a fresh digit-net, its temperature taken back out so training continues from the raw logits. */
  async resumeFrom(dir: string): Promise<tf.LayersModel> {
    const previous = await loadModel(dir).catch((error: Error) => {
      throw new OptionError<TrainOption>('resume', `needs a model in ${dir}: ${error.message}`);
    });
    const fresh = buildDigitNet(0);
    const expected = fresh.getWeights().map((w) => w.shape.join('×'));
    const found = previous.getWeights().map((w) => w.shape.join('×'));
    if (expected.join() !== found.join()) {
      previous.dispose();
      throw new OptionError<TrainOption>('resume', `needs a digit-net in ${dir}; the model there has a different architecture`);
    }
    setFlatWeights(fresh, flattenWeights(previous));
    previous.dispose();
    const temperature = (await readModelMetadata(dir).catch(() => null))?.calibration?.temperature;
    if (temperature) foldTemperature(fresh, 1 / temperature);
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
      throw new OptionError<TrainOption>(
        'out',
        `${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
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

function pickCalibration(figures: { ece: number; medianConfidenceCorrect: number; reliability: Calibration['mnistTest']['reliability'] }) {
  return { ece: figures.ece, medianConfidenceCorrect: figures.medianConfidenceCorrect, reliability: figures.reliability };
}
