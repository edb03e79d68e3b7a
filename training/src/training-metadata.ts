/** metadata.json for a finished run: what was trained, how, and how well it does — built from the run's parts. */
import { execFileSync } from 'node:child_process';
import { MODEL_CONTRACT_TEXT } from '@live-digits/shared/model/model-contract';
import { modelIdFor } from '@live-digits/shared/model/model-files';
import { Calibration, ModelMetadata } from '@live-digits/shared/model/model-metadata';
import { tf } from '@live-digits/shared/tf/tf';
import { DEFAULT_AUGMENTATION } from './augmentation/augment';
import { DrawingsEvaluation, SetEvaluation, StylesEvaluation } from './evaluation/evaluation.service';
import { DIGIT_NET_ARCHITECTURE } from './model/digit-net';
import type { FitResult, PreparedData, TrainOptions } from './training.service';
import { WEIGHT_DECAY } from './training.service';

export interface FinalEvaluation {
  test: SetEvaluation;
  drawn: DrawingsEvaluation;
  styles: StylesEvaluation;
}

export interface FinishedRun {
  options: TrainOptions;
  backend: string;
  model: tf.LayersModel;
  data: PreparedData;
  fit: FitResult;
  evaluation: FinalEvaluation;
  calibration: Calibration;
  totalSeconds: number;
  /** The commit of the code that trained, read when the run started (others may commit while it runs). */
  gitCommit: string | null;
  created?: Date;
}

/** HEAD of the checkout the run started in, or null outside git. */
export function currentGitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function buildModelMetadata(run: FinishedRun): ModelMetadata {
  const { options, fit, data, evaluation } = run;
  const created = run.created ?? new Date();
  const imagesTrained = fit.history.reduce((sum, r) => sum + r.images, 0);
  return {
    modelId: modelIdFor(created),
    created: created.toISOString(),
    gitCommit: run.gitCommit,
    contract: { ...MODEL_CONTRACT_TEXT },
    architecture: DIGIT_NET_ARCHITECTURE,
    parameterCount: run.model.countParams(),
    backend: run.backend,
    workers: options.workers,
    epochs: options.epochs,
    bestEpoch: fit.bestEpoch,
    batchSize: options.batchSize,
    learningRate: { schedule: 'one-cycle (cosine)', max: options.learningRate },
    optimizer: `Adam with decoupled weight decay ${WEIGHT_DECAY}, cross-entropy on one-hot targets (no label smoothing); temperature fitted on the validation split and folded into the output layer`,
    augmentation: DEFAULT_AUGMENTATION,
    seed: options.seed,
    resumed: options.resume,
    dataSource: data.dataSource,
    trainingImages: data.train.count,
    feedbackImages: data.feedbackImages,
    validationImages: data.validation.count,
    trainingImagesPerSecond: Math.round(imagesTrained / Math.max(fit.trainingSeconds, 1e-9)),
    trainingSeconds: Math.round(fit.trainingSeconds),
    totalSeconds: Math.round(run.totalSeconds),
    validationAccuracy: fit.validationAccuracy,
    testAccuracy: evaluation.test.accuracy,
    perClassAccuracy: evaluation.test.perClassAccuracy,
    confusionMatrix: evaluation.test.confusionMatrix,
    drawnSet: {
      accuracy: evaluation.drawn.accuracy,
      count: evaluation.drawn.count,
      empty: evaluation.drawn.empty,
      description:
        'held-out MNIST training digits (the validation split) redrawn as round-pen strokes, 16–32 px wide, on a 400×400 transparent canvas, through the server preprocessing',
    },
    stylesSet: {
      accuracy: evaluation.styles.accuracy,
      count: evaluation.styles.count,
      empty: evaluation.styles.empty,
      perStyle: Object.fromEntries(
        Object.entries(evaluation.styles.perStyle).map(([style, s]) => [style, { accuracy: s.accuracy, count: s.count }]),
      ),
      description: `${options.stylesSetSize} drawings per writing style of held-out validation digits, their strokes edited into the style, through the server preprocessing`,
    },
    calibration: run.calibration,
    drawingPool: {
      drawn: data.pool.drawn.count,
      styled: data.pool.styled.count,
      seconds: Math.round(data.pool.seconds),
      description: `${options.drawingPool.drawn} round-pen and ${options.drawingPool.styled} writing-style canvas drawings per MNIST training image, made from the training split only, through the server preprocessing, augmented like MNIST`,
    },
    history: fit.history,
  };
}
