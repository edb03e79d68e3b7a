import { tf } from '@live-digits/shared/tf/tf';

/** All of a model's weights as one Float32Array, in `getWeights()` order. */
export function flattenWeights(model: tf.LayersModel): Float32Array {
  const weights = model.getWeights();
  const flat = new Float32Array(weights.reduce((sum, w) => sum + w.size, 0));
  let offset = 0;
  for (const w of weights) {
    flat.set(w.dataSync() as Float32Array, offset);
    offset += w.size;
  }
  return flat;
}

export function setFlatWeights(model: tf.LayersModel, flat: Float32Array): void {
  let offset = 0;
  const tensors = model.getWeights().map((w) => {
    const tensor = tf.tensor(flat.subarray(offset, offset + w.size), w.shape);
    offset += w.size;
    return tensor;
  });
  if (offset !== flat.length) throw new Error(`Expected ${offset} weights, got ${flat.length}`);
  model.setWeights(tensors);
  tf.dispose(tensors);
}
