/**
 * `metadata.json`: what a trained model is, how it was made and how well it does. Training
 * writes it; the server, `evaluate`, the tests and the benchmarks read it through
 * `readModelMetadata`, which validates it and names the first bad field.
 */

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  validationAccuracy: number;
  learningRate: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  best: boolean;
}

/** One bin of a reliability diagram: predictions whose confidence fell in [lower, upper). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's predictions (0 when empty). */
  confidence: number;
  /** Fraction of the bin's predictions that were right (0 when empty). */
  accuracy: number;
}

/** How trustworthy the probabilities are on one set. */
export interface CalibrationFigures {
  /** Expected calibration error over `bins` equal-width confidence bins. */
  ece: number;
  /** Median top probability of the correctly read images. */
  medianConfidenceCorrect: number;
  reliability: ReliabilityBin[];
}

export interface Calibration {
  /** Softmax temperature fitted on the validation split and folded into the last dense layer (weights and bias ÷ T). */
  temperature: number;
  bins: number;
  /** Validation-split ECE before and after folding T in. */
  validationEceBefore: number;
  validationEce: number;
  /** Validation-split mean negative log-likelihood before and after (what T minimises). */
  validationNllBefore: number;
  validationNll: number;
  /** Figures of the saved (calibrated) model. */
  mnistTest: CalibrationFigures;
  drawnSet: CalibrationFigures;
  stylesSet: CalibrationFigures;
}

export interface DrawnSetRecord {
  accuracy: number;
  count: number;
  empty: number;
  description: string;
}

export interface StylesSetRecord {
  accuracy: number;
  count: number;
  empty: number;
  perStyle: Record<string, { accuracy: number; count: number }>;
  description: string;
}

/** The canvas drawings made from training-split digits and mixed into the training set. */
export interface DrawingPoolRecord {
  /** Round-pen redrawings. */
  drawn: number;
  /** Redrawings edited into a writing style. */
  styled: number;
  /** Wall-clock seconds spent building the pool (part of `totalSeconds`). */
  seconds: number;
  description: string;
}

export interface ModelMetadata {
  modelId: string;
  created: string;
  gitCommit: string | null;
  contract: { input: string; output: string };
  architecture: string;
  parameterCount: number;
  backend: string;
  workers: number;
  epochs: number;
  bestEpoch: number;
  batchSize: number;
  learningRate: { schedule: string; max: number };
  optimizer: string;
  augmentation: object;
  seed: number;
  resumed: boolean;
  dataSource: string;
  trainingImages: number;
  feedbackImages: number;
  validationImages: number;
  trainingImagesPerSecond: number;
  trainingSeconds: number;
  totalSeconds: number;
  validationAccuracy: number;
  testAccuracy: number;
  perClassAccuracy: Array<number | null>;
  confusionMatrix: number[][];
  drawnSet: DrawnSetRecord;
  history: EpochRecord[];
  /** SHA-256 (hex) of weights.bin as training wrote it; loading refuses weights that differ. */
  weightsSha256?: string;
  /** Absent in models trained before temperature scaling (they were not calibrated). */
  calibration?: Calibration;
  stylesSet?: StylesSetRecord;
  drawingPool?: DrawingPoolRecord;
}

export class ModelMetadataError extends Error {
  constructor(source: string, problem: string) {
    super(`${source} is not valid model metadata: ${problem}`);
    this.name = 'ModelMetadataError';
  }
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string' && v.length > 0;
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isFraction: Check = (v) => isNumber(v) && (v as number) >= 0 && (v as number) <= 1;
const isCount: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isArray: Check = Array.isArray;
const isBoolean: Check = (v) => typeof v === 'boolean';
const isSha256: Check = (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isTimestamp: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** Every field a reader may rely on, with what it must be; optional fields are checked when present. */
const FIELDS: Array<[field: string, check: Check, expected: string, optional?: 'optional']> = [
  ['modelId', isString, 'a non-empty string'],
  ['created', isTimestamp, 'an ISO date'],
  ['gitCommit', (v) => v === null || isString(v), 'a string or null'],
  [
    'contract',
    (v) => isObject(v) && isString((v as Record<string, unknown>).input) && isString((v as Record<string, unknown>).output),
    'an object with input and output',
  ],
  ['architecture', isString, 'a non-empty string'],
  ['parameterCount', isCount, 'a whole number'],
  ['backend', isString, 'a non-empty string'],
  ['workers', isCount, 'a whole number'],
  ['epochs', isCount, 'a whole number'],
  ['bestEpoch', isCount, 'a whole number'],
  ['batchSize', isCount, 'a whole number'],
  ['learningRate', isObject, 'an object'],
  ['optimizer', isString, 'a non-empty string'],
  ['augmentation', isObject, 'an object'],
  ['seed', isCount, 'a whole number'],
  ['resumed', isBoolean, 'true or false'],
  ['dataSource', isString, 'a non-empty string'],
  ['trainingImages', isCount, 'a whole number'],
  ['feedbackImages', isCount, 'a whole number'],
  ['validationImages', isCount, 'a whole number'],
  ['trainingImagesPerSecond', isNumber, 'a number'],
  ['trainingSeconds', isNumber, 'a number'],
  ['totalSeconds', isNumber, 'a number'],
  ['validationAccuracy', isFraction, 'a fraction in [0, 1]'],
  ['testAccuracy', isFraction, 'a fraction in [0, 1]'],
  ['perClassAccuracy', (v) => isArray(v) && (v as unknown[]).every((a) => a === null || isFraction(a)), 'fractions or nulls'],
  [
    'confusionMatrix',
    (v) => isArray(v) && (v as unknown[]).every((row) => isArray(row) && (row as unknown[]).every(isCount)),
    'rows of whole numbers',
  ],
  [
    'drawnSet',
    (v) => isObject(v) && isFraction((v as Record<string, unknown>).accuracy) && isCount((v as Record<string, unknown>).count),
    'an object with accuracy and count',
  ],
  ['history', isArray, 'an array of epochs'],
  ['weightsSha256', isSha256, 'a SHA-256 in lower-case hex', 'optional'],
  ['calibration', isCalibration, 'an object with a positive temperature, bins, ECEs in [0, 1] and figures per set', 'optional'],
  [
    'stylesSet',
    (v) =>
      isObject(v) &&
      isFraction(field(v, 'accuracy')) &&
      isCount(field(v, 'count')) &&
      isObject(field(v, 'perStyle')) &&
      Object.values(field(v, 'perStyle') as object).every((s) => isFraction(field(s, 'accuracy'))),
    'an object with accuracy, count and per-style accuracies',
    'optional',
  ],
  [
    'drawingPool',
    (v) => isObject(v) && isCount(field(v, 'drawn')) && isCount(field(v, 'styled')) && isNumber(field(v, 'seconds')),
    'an object with drawn, styled and seconds',
    'optional',
  ],
];

function field(value: unknown, name: string): unknown {
  return isObject(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function isCalibrationFigures(value: unknown): boolean {
  const reliability = field(value, 'reliability');
  return (
    isFraction(field(value, 'ece')) &&
    isFraction(field(value, 'medianConfidenceCorrect')) &&
    isArray(reliability) &&
    (reliability as unknown[]).every(
      (bin) => isCount(field(bin, 'count')) && isFraction(field(bin, 'confidence')) && isFraction(field(bin, 'accuracy')),
    )
  );
}

function isCalibration(value: unknown): boolean {
  const temperature = field(value, 'temperature');
  return (
    isNumber(temperature) &&
    (temperature as number) > 0 &&
    isCount(field(value, 'bins')) &&
    isFraction(field(value, 'validationEceBefore')) &&
    isFraction(field(value, 'validationEce')) &&
    ['mnistTest', 'drawnSet', 'stylesSet'].every((set) => isCalibrationFigures(field(value, set)))
  );
}

/** Checks parsed JSON against the metadata type; `source` names the file in the error. */
export function parseModelMetadata(value: unknown, source: string): ModelMetadata {
  if (!isObject(value)) throw new ModelMetadataError(source, 'it is not a JSON object');
  const record = value as Record<string, unknown>;
  for (const [field, check, expected, optional] of FIELDS) {
    if (!(field in record) || record[field] === undefined) {
      if (optional) continue;
      throw new ModelMetadataError(source, `'${field}' is missing`);
    }
    if (!check(record[field]))
      throw new ModelMetadataError(source, `'${field}' must be ${expected}, got ${JSON.stringify(record[field])?.slice(0, 80)}`);
  }
  return record as unknown as ModelMetadata;
}
