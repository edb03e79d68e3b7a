import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { saveModel, writeModelMetadata } from '@live-digits/shared/model/model-files';
import { ModelMetadata } from '@live-digits/shared/model/model-metadata';
import { foldTemperature } from './evaluation/calibration';
import { EvaluationService } from './evaluation/evaluation.service';
import { predictInChunks } from './evaluation/predict';
import { buildDigitNet } from './model/digit-net';
import { OptionError } from './option-error';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { flattenWeights } from './trainer/flat-weights';
import { DEFAULT_TRAIN_OPTIONS, PreparedData, TrainingObserver, TrainingService } from './training.service';

const silent: TrainingObserver = { log: () => undefined, epochStart: () => undefined, step: () => undefined, epochEnd: () => undefined };

describe(TrainingService.name, () => {
  const sut = new TrainingService(new EvaluationService());
  let dir: string;

  beforeAll(async () => {
    await initGradientTensorFlow({ backend: 'wasm' });
    dir = await mkdtemp(path.join(tmpdir(), 'training-service-'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses an output folder it cannot write, naming the option', async () => {
    const training = sut.train({ ...DEFAULT_TRAIN_OPTIONS, out: '/proc/no-model-here', limit: 256 }, silent);
    await expect(training).rejects.toBeInstanceOf(OptionError);
    await expect(sut.train({ ...DEFAULT_TRAIN_OPTIONS, out: '/proc/no-model-here', limit: 256 }, silent)).rejects.toMatchObject({
      option: 'out',
      message: expect.stringMatching(/^out \/proc\/no-model-here is not writable/),
    });
  });

  it('refuses a batch larger than the training set, naming the option and never a flag', async () => {
    const options = { ...DEFAULT_TRAIN_OPTIONS, out: dir, limit: 100, batchSize: 512, drawingPool: { drawn: 0, styled: 0 } };
    await expect(sut.train(options, silent)).rejects.toMatchObject({
      option: 'batchSize',
      problem: '512 is larger than the 100 training images',
    });
  });

  it('adds the drawing pool to the training split only', async () => {
    const logs: string[] = [];
    const data = await sut.prepareData(
      { ...DEFAULT_TRAIN_OPTIONS, limit: 200, drawingPool: { drawn: 0.1, styled: 0.1 } },
      { ...silent, log: (m) => logs.push(m) },
    );
    expect(data.mnistImages).toBe(200);
    expect([data.pool.drawn.count, data.pool.styled.count]).toEqual([20, 20]);
    expect(data.train.count).toBe(240);
    expect(data.validation.count).toBe(5000);
    expect(data.test.count).toBe(10_000);
    expect(logs.join('\n')).toMatch(/Drawing 40 training digits/);
  }, 120_000);

  it('trains alike twice with one seed: same weights to the bit, dropout included', async () => {
    const options = { ...DEFAULT_TRAIN_OPTIONS, limit: 256, epochs: 1, batchSize: 64, workers: 2, drawingPool: { drawn: 0, styled: 0 } };
    const data = await sut.prepareData(options, silent);
    const trainOnce = async (seed: number) => {
      const model = buildDigitNet(options.seed);
      await sut.fit(model, data, { ...options, seed }, 'wasm', silent);
      const weights = flattenWeights(model);
      model.dispose();
      return weights;
    };
    const [first, second, otherSeed] = [await trainOnce(42), await trainOnce(42), await trainOnce(43)];
    expect(Buffer.from(second.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    // The seed reaches the step stream (shuffling, augmentation, dropout), not only the initial weights.
    expect(Buffer.from(otherSeed.buffer).equals(Buffer.from(first.buffer))).toBe(false);
  }, 180_000);

  it('fits a temperature on the validation split and folds it into the model', async () => {
    const model = buildDigitNet(9);
    foldTemperature(model, 0.1); // an over-confident untrained net: T must come out above 1
    const mnist = readMnistSplit(bundledMnistDir(), 'train');
    const validation = { pixels: mnist.images.pixels.subarray(0, 300 * IMAGE_PIXELS), labels: mnist.labels.subarray(0, 300), count: 300 };
    const before = await predictInChunks(model, validation);
    const result = await sut.calibrate(model, { validation } as PreparedData);
    const after = await predictInChunks(model, validation);
    expect(result.temperature).toBeGreaterThan(1);
    expect(result.validationNll).toBeLessThan(result.validationNllBefore);
    expect(result.validationEce).toBeLessThan(result.validationEceBefore);
    expect(Math.max(...after)).toBeLessThan(Math.max(...before));
    model.dispose();
  });

  it('resumes from the raw logits: the saved temperature is taken back out', async () => {
    const trained = buildDigitNet(4);
    const raw = flattenWeights(trained);
    foldTemperature(trained, 1.7);
    await saveModel(trained, dir);
    await writeModelMetadata(dir, { ...minimalMetadata(), calibration: calibrationWith(1.7) });
    const resumed = await sut.resumeFrom(dir);
    const weights = flattenWeights(resumed);
    raw.forEach((w, i) => expect(weights[i]).toBeCloseTo(w, 5));
    trained.dispose();
    resumed.dispose();
  });

  it('refuses to resume without a model, naming the option', async () => {
    await expect(sut.resumeFrom(path.join(dir, 'empty'))).rejects.toMatchObject({ option: 'resume' });
  });
});

function calibrationWith(temperature: number): ModelMetadata['calibration'] {
  const figures = { ece: 0, medianConfidenceCorrect: 1, reliability: [] };
  return {
    temperature,
    bins: 15,
    validationEceBefore: 0,
    validationEce: 0,
    validationNllBefore: 0,
    validationNll: 0,
    mnistTest: figures,
    drawnSet: figures,
    stylesSet: figures,
  };
}

function minimalMetadata(): ModelMetadata {
  return {
    modelId: 'digit-net-20260101-000000',
    created: new Date(0).toISOString(),
    gitCommit: null,
    contract: { input: 'x', output: 'y' },
    architecture: 'digit-net',
    parameterCount: 1,
    backend: 'wasm',
    workers: 1,
    epochs: 1,
    bestEpoch: 1,
    batchSize: 1,
    learningRate: { schedule: 'one-cycle (cosine)', max: 0.003 },
    optimizer: 'Adam',
    augmentation: {},
    seed: 1,
    resumed: false,
    dataSource: 'test',
    trainingImages: 1,
    feedbackImages: 0,
    validationImages: 1,
    trainingImagesPerSecond: 1,
    trainingSeconds: 1,
    totalSeconds: 1,
    validationAccuracy: 0.5,
    testAccuracy: 0.5,
    perClassAccuracy: [],
    confusionMatrix: [],
    drawnSet: { accuracy: 0.5, count: 1, empty: 0, description: 'test' },
    history: [],
  };
}
