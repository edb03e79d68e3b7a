/**
 * Throwaway models for tests and benchmarks: a small untrained network of the model contract's
 * shapes (valid softmax, meaningless guesses), saved with complete metadata through the model
 * package, exactly as training saves a real one. No training code: the server's tests must not need it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { initTensorFlow, tf } from '@live-digits/shared/tf/tf';
import { CLASS_COUNT, IMAGE_SIDE, MODEL_CONTRACT_TEXT } from '@live-digits/shared/model/model-contract';
import { MODEL_JSON, saveModel, writeModelMetadata } from '@live-digits/shared/model/model-files';
import type { ModelMetadata } from '@live-digits/shared/model/model-metadata';

export interface ThrowawayModel {
  modelId: string;
  testAccuracy: number;
}

/** What an untrained ten-class model scores by chance; nothing is measured for a throwaway model. */
export const CHANCE_ACCURACY = 1 / CLASS_COUNT;

const THROWAWAY_ARCHITECTURE = 'conv4 3×3 → maxpool 2 → dense 10 softmax (untrained test fixture)';

/** Standard layers only, seeded: the same seed gives the same weights, another seed other weights. */
export function buildThrowawayNet(seed: number): tf.LayersModel {
  return tf.sequential({
    name: 'throwaway-net',
    layers: [
      tf.layers.conv2d({
        inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASS_COUNT, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

export interface ThrowawayMetadataOptions {
  modelId: string;
  /** The accuracy the test wants the server to report. Stated, not measured. */
  testAccuracy?: number;
  seed?: number;
  parameterCount?: number;
  weightsSha256?: string;
}

/**
 * Complete, valid metadata for a model nobody trained: no epochs, no images, every measured
 * figure either the accuracy the caller states or marked as not measured (null per-class accuracy,
 * an empty confusion matrix and history).
 */
export function throwawayMetadata({
  modelId,
  testAccuracy = CHANCE_ACCURACY,
  seed = 0,
  parameterCount = 0,
  weightsSha256,
}: ThrowawayMetadataOptions): ModelMetadata {
  const untrained = 'none (untrained)';
  return {
    modelId,
    created: new Date().toISOString(),
    gitCommit: null,
    contract: { ...MODEL_CONTRACT_TEXT },
    architecture: THROWAWAY_ARCHITECTURE,
    parameterCount,
    backend: tf.getBackend(),
    workers: 0,
    epochs: 0,
    bestEpoch: 0,
    batchSize: 0,
    learningRate: { schedule: untrained, max: 0 },
    optimizer: untrained,
    augmentation: {},
    seed,
    resumed: false,
    dataSource: 'none: an untrained throwaway model for tests and benchmarks',
    trainingImages: 0,
    feedbackImages: 0,
    validationImages: 0,
    trainingImagesPerSecond: 0,
    trainingSeconds: 0,
    totalSeconds: 0,
    validationAccuracy: testAccuracy,
    testAccuracy,
    perClassAccuracy: new Array<null>(CLASS_COUNT).fill(null),
    confusionMatrix: [],
    drawnSet: { accuracy: testAccuracy, count: 0, empty: 0, description: 'not measured (untrained test fixture)' },
    history: [],
    ...(weightsSha256 === undefined ? {} : { weightsSha256 }),
  };
}

/** Saves `buildThrowawayNet(seed)` and its metadata into `dir` through the model package. */
export async function saveThrowawayModel(
  dir: string,
  seed = 1,
  modelId = `throwaway-${seed}`,
  testAccuracy = CHANCE_ACCURACY,
): Promise<ThrowawayModel> {
  await initTensorFlow();
  const model = buildThrowawayNet(seed);
  try {
    const { weightsSha256 } = await saveModel(model, dir);
    await writeModelMetadata(dir, throwawayMetadata({ modelId, testAccuracy, seed, parameterCount: model.countParams(), weightsSha256 }));
  } finally {
    model.dispose();
  }
  return { modelId, testAccuracy };
}

/** A model folder whose model.json is cut short, as a crashed save might leave it (its metadata is valid). */
export async function saveBrokenModel(dir: string, modelId = 'broken'): Promise<void> {
  await initTensorFlow();
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, MODEL_JSON), '{"modelTopology": {"class_name": "Func');
  await writeModelMetadata(dir, throwawayMetadata({ modelId, testAccuracy: 0.99 }));
}
