/** Messages between the trainer and its gradient workers (one tfjs engine per thread). */
import type { BackendName } from '@live-digits/shared/tf/tf';

/** Images as 28×28 bytes in shared memory, so every worker reads the same copy. */
export interface SharedImageSet {
  pixels: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  count: number;
}

/** Copies images and labels into shared memory once, for every worker to read. */
export function shareImageSet(pixels: Uint8Array, labels: Uint8Array, count = labels.length): SharedImageSet {
  const share = (bytes: Uint8Array) => {
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    return shared;
  };
  return { pixels: share(pixels), labels: share(labels), count };
}

export type ImageSetName = 'train' | 'validation' | 'test';

export interface WorkerSetup {
  backend?: BackendName;
  sets: Record<ImageSetName, SharedImageSet>;
  /** The model's weights in `model.getWeights()` order, flattened. */
  initialWeights: Float32Array;
  architectureSeed: number;
  weightDecay: number;
}

export type WorkerRequest =
  | { type: 'gradients'; indices: Int32Array; augmentationSeed: number }
  | { type: 'apply'; gradients: Float32Array; learningRate: number }
  | { type: 'predict'; set: ImageSetName; start: number; end: number }
  | { type: 'weights' };

export type WorkerResponse =
  | { type: 'ready'; backend: BackendName }
  | { type: 'gradients'; gradients: Float32Array; loss: number; correct: number; count: number }
  | { type: 'applied' }
  | { type: 'predictions'; predictions: Uint8Array }
  | { type: 'weights'; weights: Float32Array }
  | { type: 'error'; message: string };
