/** The one chunked prediction loop: training's workers, the evaluator and calibration all run images through it. */
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { tf } from '@live-digits/shared/tf/tf';

/** Images per forward pass: big enough for XNNPACK to be efficient, small enough to keep memory flat. */
const PREDICT_CHUNK = 500;

/** 28×28 images, concatenated: floats in [0, 1], or bytes 0–255 as MNIST stores them. */
export interface ImageBatchSource {
  pixels: Float32Array | Uint8Array;
  count: number;
}

function floatsOf(pixels: Float32Array | Uint8Array, from: number, to: number): Float32Array {
  const slice = pixels.subarray(from * IMAGE_PIXELS, to * IMAGE_PIXELS);
  return slice instanceof Float32Array ? slice : Float32Array.from(slice, (v) => v / 255);
}

/** The model's outputs for every image, row after row ([count × width] flattened). */
export async function predictInChunks(model: tf.LayersModel, images: ImageBatchSource): Promise<Float32Array> {
  const width = model.outputs[0].shape[1] ?? CLASS_COUNT;
  const outputs = new Float32Array(images.count * width);
  for (let from = 0; from < images.count; from += PREDICT_CHUNK) {
    const to = Math.min(images.count, from + PREDICT_CHUNK);
    const chunk = tf.tidy(
      () => model.predict(tf.tensor4d(floatsOf(images.pixels, from, to), [to - from, IMAGE_SIDE, IMAGE_SIDE, 1])) as tf.Tensor,
    );
    outputs.set(await chunk.data(), from * width);
    chunk.dispose();
  }
  return outputs;
}

/** Index of the largest of each row of `CLASS_COUNT` scores. */
export function argMaxRows(scores: Float32Array, width = CLASS_COUNT): Uint8Array {
  const best = new Uint8Array(scores.length / width);
  for (let row = 0; row < best.length; row++) {
    let top = 0;
    for (let k = 1; k < width; k++) if (scores[row * width + k] > scores[row * width + top]) top = k;
    best[row] = top;
  }
  return best;
}
