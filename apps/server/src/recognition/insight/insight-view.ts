/**
 * A multi-output view of a loaded digit model: the same layers (and so the same weights, no copy)
 * wired as `tf.model({ inputs, outputs: [...every conv / pool / dense output, …] })`, so one
 * forward pass gives the probabilities and every activation the page shows.
 *
 * Ownership: a view owns no tensors. tfjs counts references per layer, not per model, and a view
 * takes none (building it applies no layer), so `view.dispose()` would free the served model's
 * weights. Dispose the model only; the view is dropped with it.
 */
import type { InsightLayer } from '@live-digits/shared';
import { tf } from '@live-digits/shared/tf/tf';
import { registerWasmGradientKernels } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';

export type InsightLayerKind = InsightLayer['kind'];

/** Keras class names of the layers shown, by kind. The `normalise` layer (a fixed 1×1 depthwise conv) is the input rescaled: not shown. */
const LAYER_KINDS: Readonly<Record<string, InsightLayerKind>> = {
  Conv2D: 'conv',
  MaxPooling2D: 'pool',
  AveragePooling2D: 'pool',
  Dense: 'dense',
};

export interface ViewedLayer {
  name: string;
  kind: InsightLayerKind;
  width: number;
  height: number;
  channels: number;
}

export interface InsightView {
  /** Its outputs: one per entry of `layers` first, in order; the probabilities and the logits' source at the indices below. */
  model: tf.LayersModel;
  layers: ViewedLayer[];
  probabilitiesOutput: number;
  /** The output that `logitsFrom` takes (the output layer's input), or the probabilities when there is no such layer. */
  logitsSourceOutput: number;
  /**
   * The pre-softmax logits, computed from the view's second-to-last output with the output layer's
   * own kernel and bias (the softmax layer hides them), or null when the output layer is not a
   * softmax dense layer; the saliency then falls back to the log-probability.
   */
  logitsFrom: ((input: tf.Tensor) => tf.Tensor) | null;
}

/** Builds the view over `model`'s layers; adds no tensor. */
export function buildInsightView(model: tf.LayersModel): InsightView {
  registerWasmGradientKernels();
  const layers: ViewedLayer[] = [];
  const outputs: tf.SymbolicTensor[] = [];
  for (const layer of model.layers) {
    const kind = LAYER_KINDS[layer.getClassName()];
    if (!kind) continue;
    const output = layer.output as tf.SymbolicTensor;
    const shape = output.shape;
    // NHWC for conv and pool, [N, units] for dense (a row of units, one channel).
    const [height, width, channels] = shape.length === 4 ? [shape[1]!, shape[2]!, shape[3]!] : [1, shape[1]!, 1];
    layers.push({ name: layer.name, kind, width, height, channels });
    outputs.push(output);
  }
  // An output the layers already give (the output layer is a dense layer) is not listed twice.
  const outputIndex = (tensor: tf.SymbolicTensor) => {
    const index = outputs.indexOf(tensor);
    return index >= 0 ? index : outputs.push(tensor) - 1;
  };
  const probabilities = model.outputs[0];
  const outputLayer = probabilities.sourceLayer as (typeof model.layers)[number];
  const softmaxDense =
    outputLayer.getClassName() === 'Dense' && (outputLayer.getConfig() as { activation?: string }).activation === 'softmax';
  const probabilitiesOutput = outputIndex(probabilities);
  const logitsSourceOutput = softmaxDense ? outputIndex(outputLayer.input as tf.SymbolicTensor) : probabilitiesOutput;
  const view = tf.model({ inputs: model.inputs, outputs, name: `${model.name}-insight` });
  let logitsFrom: InsightView['logitsFrom'] = null;
  if (softmaxDense) {
    // The layer's variables themselves (read() returns the variable, not a copy).
    const [kernel, bias] = outputLayer.getWeights() as [tf.Tensor2D, tf.Tensor1D | undefined];
    logitsFrom = (input) => {
      const product = tf.matMul(input as tf.Tensor2D, kernel);
      return bias ? tf.add(product, bias) : product;
    };
  }
  return { model: view, layers, probabilitiesOutput, logitsSourceOutput, logitsFrom };
}
