import { ModelMetadata, ModelMetadataError, parseModelMetadata } from './model-metadata';

/** Valid metadata of a calibrated model with its writing-styles figures and drawing pool. */
function calibratedMetadata(): ModelMetadata {
  const figures = {
    ece: 0.004,
    medianConfidenceCorrect: 0.999,
    reliability: [{ lower: 0.9, upper: 1, count: 10, confidence: 0.99, accuracy: 1 }],
  };
  return {
    modelId: 'digit-net-20261202-000000',
    created: '2026-12-02T00:00:00.000Z',
    gitCommit: null,
    contract: { input: 'in', output: 'out' },
    architecture: 'digit-net',
    parameterCount: 1,
    backend: 'wasm',
    workers: 2,
    epochs: 1,
    bestEpoch: 1,
    batchSize: 128,
    learningRate: { schedule: 'one-cycle (cosine)', max: 0.003 },
    optimizer: 'Adam',
    augmentation: {},
    seed: 42,
    resumed: false,
    dataSource: 'mnist',
    trainingImages: 10,
    feedbackImages: 0,
    validationImages: 10,
    trainingImagesPerSecond: 1,
    trainingSeconds: 1,
    totalSeconds: 1,
    validationAccuracy: 0.9,
    testAccuracy: 0.9,
    perClassAccuracy: [0.9],
    confusionMatrix: [[1]],
    drawnSet: { accuracy: 0.9, count: 10, empty: 0, description: 'drawn' },
    history: [],
    calibration: {
      temperature: 1.3,
      bins: 15,
      validationEceBefore: 0.01,
      validationEce: 0.004,
      validationNllBefore: 0.03,
      validationNll: 0.02,
      mnistTest: figures,
      drawnSet: figures,
      stylesSet: figures,
    },
    stylesSet: {
      accuracy: 0.95,
      count: 32,
      empty: 0,
      perStyle: { 'one-flag': { accuracy: 0.9, count: 16 }, small: { accuracy: 1, count: 16 } },
      description: 'styles',
    },
    drawingPool: { drawn: 5, styled: 10, seconds: 3, description: 'pool' },
  };
}

describe(parseModelMetadata.name, () => {
  it('accepts the calibration, writing-styles and drawing-pool records', () => {
    const sut = calibratedMetadata();
    expect(parseModelMetadata(JSON.parse(JSON.stringify(sut)), 'metadata.json')).toEqual(sut);
  });

  it('accepts metadata of a model from before calibration (the new records are optional)', () => {
    const { calibration, stylesSet, drawingPool, ...older } = calibratedMetadata();
    expect([calibration, stylesSet, drawingPool].every(Boolean)).toBe(true);
    expect(() => parseModelMetadata(older, 'metadata.json')).not.toThrow();
  });

  it.each([
    [
      'a temperature of 0',
      (m: ModelMetadata) => (m.calibration!.temperature = 0),
      /'calibration' must be an object with a positive temperature/,
    ],
    ['an ECE above 1', (m: ModelMetadata) => (m.calibration!.drawnSet.ece = 3), /'calibration'/],
    [
      'a reliability bin without a count',
      (m: ModelMetadata) => delete (m.calibration!.mnistTest.reliability[0] as Partial<{ count: number }>).count,
      /'calibration'/,
    ],
    [
      'a style accuracy above 1',
      (m: ModelMetadata) => (m.stylesSet!.perStyle.small.accuracy = 2),
      /'stylesSet' must be an object with accuracy, count and per-style accuracies/,
    ],
    [
      'a drawing pool without seconds',
      (m: ModelMetadata) => delete (m.drawingPool as Partial<{ seconds: number }>).seconds,
      /'drawingPool'/,
    ],
  ])('names the field for %s', (_case, spoil, message) => {
    const metadata = calibratedMetadata();
    spoil(metadata);
    expect(() => parseModelMetadata(metadata, 'metadata.json')).toThrow(ModelMetadataError);
    expect(() => parseModelMetadata(metadata, 'metadata.json')).toThrow(message);
  });
});
