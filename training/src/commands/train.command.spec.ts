import { OptionError } from '../option-error';
import { DEFAULT_TRAIN_OPTIONS, TrainingService, TrainOptions } from '../training.service';
import { TRAIN_FLAGS, TrainCommand } from './train.command';

describe(TrainCommand.name, () => {
  const metadata = {
    modelId: 'digit-net-x',
    testAccuracy: 0.99,
    validationAccuracy: 0.99,
    drawnSet: { accuracy: 0.99, count: 10 },
    stylesSet: { accuracy: 0.99, count: 16 },
    calibration: { temperature: 1.2, mnistTest: { ece: 0.01 }, drawnSet: { ece: 0.02 } },
    trainingImagesPerSecond: 1,
    totalSeconds: 60,
  };
  let train: jest.Mock;
  let sut: TrainCommand;

  beforeEach(() => {
    train = jest.fn().mockResolvedValue(metadata);
    sut = new TrainCommand({ train } as unknown as TrainingService);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('hands the service the defaults, overridden by the flags given', async () => {
    await sut.run([], { epochs: 3, dataDir: '/data', drawnPool: 0 });
    const options = train.mock.calls[0][0] as TrainOptions;
    expect(options).toMatchObject({
      ...DEFAULT_TRAIN_OPTIONS,
      epochs: 3,
      dataDir: '/data',
      drawingPool: { drawn: 0, styled: DEFAULT_TRAIN_OPTIONS.drawingPool.styled },
    });
  });

  it('reports an option error with the flag the user typed', async () => {
    train.mockRejectedValue(new OptionError('batchSize', '512 is larger than the 100 training images'));
    await expect(sut.run([], {})).rejects.toThrow(/^--batch-size 512 is larger than the 100 training images$/);
  });

  it('passes other errors through unchanged', async () => {
    train.mockRejectedValue(new Error('disk full'));
    await expect(sut.run([], {})).rejects.toThrow(/^disk full$/);
  });

  it('has a flag for every option', () => {
    expect(Object.keys(TRAIN_FLAGS).sort()).toEqual(
      Object.keys({ ...DEFAULT_TRAIN_OPTIONS, dataDir: 0, limit: 0, feedbackDir: 0, backend: 0 }).sort(),
    );
  });

  it.each([
    ['parseEpochs', 'ten', /--epochs must be a whole number of at least 1, got 'ten'/],
    ['parseDrawnPool', '-1', /--drawn-pool must be a number of at least 0, got '-1'/],
    ['parseStylesSetSize', '0', /--styles-set-size must be a whole number of at least 1, got '0'/],
  ] as const)('%s refuses %j', (parser, value, message) => {
    expect(() => sut[parser](value)).toThrow(message);
  });
});
