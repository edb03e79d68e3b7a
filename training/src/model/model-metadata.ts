/** What `metadata.json` says about a trained model; the server reads `modelId` and `testAccuracy`. */
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
  drawnSet: { accuracy: number; count: number; empty: number; description: string };
  history: EpochRecord[];
}
