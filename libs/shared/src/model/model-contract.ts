/**
 * What a digit model takes and gives: the contract between the preprocessing, training, the
 * server and anyone loading `model.json` with plain `tf.loadLayersModel`.
 *
 * Input  [N, 28, 28, 1] float32 in [0, 1], white ink on black, the ink's longest side fitted to
 *        20 px and its centre of mass at (14, 14) — exactly what `preprocessImage` produces.
 *        Normalisation lives inside the model.
 * Output [N, 10] softmax probabilities for the digits 0–9 (index = digit).
 */

/** MNIST's image side: every model input is IMAGE_SIDE × IMAGE_SIDE × 1. */
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** The classes, in output order. */
export const DIGIT_LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const CLASS_COUNT = DIGIT_LABELS.length;

export const MODEL_INPUT_SHAPE = [null, IMAGE_SIDE, IMAGE_SIDE, 1] as const;
export const MODEL_OUTPUT_SHAPE = [null, CLASS_COUNT] as const;
/** Pixel values the model expects: 0 = background, 1 = full ink. */
export const MODEL_INPUT_RANGE = [0, 1] as const;

export const MODEL_CONTRACT_TEXT = {
  input: `[N, ${IMAGE_SIDE}, ${IMAGE_SIDE}, 1] float32 in [0, 1], white ink on black, MNIST-centred`,
  output: `[N, ${CLASS_COUNT}] softmax probabilities for digits 0–9`,
} as const;

interface ShapedModel {
  inputs: Array<{ shape: Array<number | null> }>;
  outputs: Array<{ shape: Array<number | null> }>;
}

/** The contract's violation in words, or null when the model's single input and output have the contract's shapes. */
export function contractViolation(model: ShapedModel): string | null {
  const input = model.inputs[0]?.shape;
  const output = model.outputs[0]?.shape;
  if (model.inputs.length !== 1 || JSON.stringify(input) !== JSON.stringify(MODEL_INPUT_SHAPE)) {
    return `its input is ${JSON.stringify(input)}, the contract is ${JSON.stringify(MODEL_INPUT_SHAPE)}`;
  }
  if (model.outputs.length !== 1 || JSON.stringify(output) !== JSON.stringify(MODEL_OUTPUT_SHAPE)) {
    return `its output is ${JSON.stringify(output)}, the contract is ${JSON.stringify(MODEL_OUTPUT_SHAPE)}`;
  }
  return null;
}
