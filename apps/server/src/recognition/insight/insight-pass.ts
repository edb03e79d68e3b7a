/**
 * One pass through an {@link InsightView}: the probabilities, every shown layer's activations and a
 * saliency map, for a batch of 28×28 images, from one taped forward pass and its backward pass.
 *
 * Saliency is gradient × input of the explained digit's **log-probability** (each pixel's
 * first-order share of it, positive where the ink pushed towards the digit). The log-probability's
 * gradient is the digit's logit gradient minus the others' weighted by their probabilities: what
 * makes this a 4 *rather than* the digits it might have been, and for "why not 7?" what in the
 * drawing pulls towards 7 rather than towards the guess — the question asked. On 200 drawn digits
 * it is also the more faithful (blacking out its 20 most salient pixels drops the digit's
 * probability from 0.983 to 0.582, the logit's to 0.608, 20 random ink pixels to 0.816), and no
 * map came out blank (the temperature folded into the model keeps the probabilities off 1.0, where
 * this gradient would vanish). The probability itself saturates near 1; it is not used.
 *
 * Why one sample: the figures of every method tried are in docs/socket-contract.md ("Insight");
 * SmoothGrad and integrated gradients are a little more faithful but cost a backward pass per
 * sample. wasm's own Conv2DBackpropInput is not XNNPACK's (a backward pass cost ≈ 5 forward ones
 * when these figures were taken); the stride-1 input gradient registered from
 * libs/shared/src/tf/gradients runs it as a forward convolution, ≈ 4× faster, and still one
 * sample is what fits the budget of 2 × a plain frame.
 *
 * Methods, all over the same batch of samples (the image itself is always sample 0, whose
 * forward pass gives the probabilities and activations that are sent):
 * - `gradient`: the plain gradient (where a little more ink would raise the logit);
 * - `gradient-x-input`: gradient × input, each pixel's first-order contribution (zero off the ink);
 * - `smoothgrad`: the gradient averaged over noisy copies of the image (Smilkov et al. 2017), with a
 *   fixed seed, so the same drawing always gets the same map (no flicker between frames);
 * - `integrated-gradients`: (input − black) × the gradient averaged along the straight path from
 *   a black image (Sundararajan et al. 2017), a right Riemann sum of `samples` steps.
 */
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { tf } from '@live-digits/shared/tf/tf';
import type { InsightView } from './insight-view';

export type SaliencyMethodName = 'gradient' | 'gradient-x-input' | 'smoothgrad' | 'smoothgrad-x-input' | 'integrated-gradients';

export interface SaliencyMethod {
  name: SaliencyMethodName;
  /** Forward and backward passes per image: 1 for the plain gradients, the noisy copies or path steps otherwise. */
  samples: number;
  /** SmoothGrad's noise, as a standard deviation of pixel values in [0, 1]. */
  noise?: number;
  /** What is differentiated: the digit's log-probability (the default) or its pre-softmax logit. */
  objective?: 'logit' | 'log-probability';
}

/** Chosen by the figures in docs/socket-contract.md ("Insight"), measured by `npm run bench:saliency`. */
export const DEFAULT_SALIENCY: SaliencyMethod = { name: 'gradient-x-input', samples: 1, objective: 'log-probability' };

/** What the pass gives for each image, as plain floats; `layers` in the view's order, NHWC as tfjs lays them out. */
export interface InsightActivations {
  /** The digit explained. */
  digit: number;
  /** The model's input, 28×28 in [0, 1]. */
  input: Float32Array;
  probabilities: Float32Array;
  /** Per shown layer: height × width × channels floats. */
  layers: Float32Array[];
  /** 28×28 attributions (signed); positive pushes towards `digit`. */
  saliency: Float32Array;
}

const NOISE_SEED = 12;

/**
 * Runs `images` (IMAGE_PIXELS floats each, the model's input) through the view. `targets[i]` is the
 * digit to explain for image i, or undefined for its top guess. Every tensor is created inside
 * `tf.tidy` or disposed here; the caller gets plain arrays.
 */
export async function runInsightPass(
  view: InsightView,
  images: readonly Float32Array[],
  targets: ReadonlyArray<number | undefined>,
  method: SaliencyMethod = DEFAULT_SALIENCY,
): Promise<InsightActivations[]> {
  const count = images.length;
  if (count === 0) return [];
  if (targets.length !== count)
    throw new RangeError(`runInsightPass() needs one target per image: ${count} images, ${targets.length} targets`);
  const pixels = new Float32Array(count * IMAGE_PIXELS);
  images.forEach((image, i) => {
    if (image.length !== IMAGE_PIXELS) throw new RangeError(`runInsightPass() needs ${IMAGE_PIXELS} pixels an image, got ${image.length}`);
    pixels.set(image, i * IMAGE_PIXELS);
  });
  for (const digit of targets) {
    if (digit !== undefined && !(Number.isInteger(digit) && digit >= 0 && digit < CLASS_COUNT)) {
      throw new RangeError(`runInsightPass() explains digits 0–${CLASS_COUNT - 1}, not ${digit}`);
    }
  }
  const requested = Int32Array.from(targets, (digit) => (digit === undefined ? -1 : digit));

  const outputs = computeInsightTensors(view, pixels, count, requested, method);
  try {
    const [probabilities, saliency, chosen, ...layers] = await Promise.all(outputs.map((tensor) => tensor.data() as Promise<Float32Array>));
    return images.map((input, i) => ({
      digit: chosen[i],
      input,
      probabilities: probabilities.slice(i * CLASS_COUNT, (i + 1) * CLASS_COUNT),
      saliency: saliency.slice(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS),
      layers: layers.map((values) => {
        const size = values.length / count;
        return values.slice(i * size, (i + 1) * size);
      }),
    }));
  } finally {
    tf.dispose(outputs);
  }
}

/**
 * The synchronous part: `[probabilities, saliency, chosen digits, ...layer activations]` for the
 * clean images (rows 0…count−1 of the sample batch). The activations are read inside the taped
 * function, so they come from the same forward pass as the gradient; they leave its scope with
 * `tf.keep` and are handed back (and disposed) with the rest.
 */
function computeInsightTensors(
  view: InsightView,
  pixels: Float32Array,
  count: number,
  requested: Int32Array,
  method: SaliencyMethod,
): tf.Tensor[] {
  let kept: tf.Tensor[] = [];
  try {
    return tf.tidy(() => {
      const images = tf.tensor4d(pixels, [count, IMAGE_SIDE, IMAGE_SIDE, 1]);
      const samples = sampleBatch(images, method);
      const groups = samples.shape[0] / count;
      const asked = tf.tensor1d(requested, 'int32');
      let chosen: tf.Tensor1D | undefined;
      let probabilities: tf.Tensor | undefined;
      const gradient = tf.grad((batch: tf.Tensor) => {
        const outputs = view.model.apply(batch, { training: false }) as tf.Tensor[];
        // One sample per image (the default method): the batch is the images, nothing to cut.
        const clean = (output: tf.Tensor) => (groups === 1 ? output : output.slice(0, count));
        probabilities = tf.keep(clean(outputs[view.probabilitiesOutput]));
        kept.push(probabilities);
        kept.push(...view.layers.map((_, index) => tf.keep(clean(outputs[index]))));
        // The digit explained: the one asked for, else the top guess of the image itself. No
        // gradient flows through this choice (argMax and oneHot have none).
        chosen = tf.keep(tf.where(tf.greaterEqual(asked, 0), asked, tf.argMax(probabilities, 1).toInt())) as tf.Tensor1D;
        kept.push(chosen);
        const mask = tf.oneHot(tf.tile(chosen, [groups]), CLASS_COUNT).toFloat();
        const source = outputs[view.logitsSourceOutput];
        const logits = view.logitsFrom?.(source);
        const scores = !logits ? tf.log(tf.add(source, 1e-12)) : method.objective === 'logit' ? logits : tf.logSoftmax(logits);
        return tf.sum(tf.mul(scores, mask));
      })(samples);
      const meanGradient = groups === 1 ? gradient : tf.mean(gradient.reshape([groups, count, IMAGE_SIDE, IMAGE_SIDE, 1]), 0);
      const timesInput =
        method.name === 'gradient-x-input' || method.name === 'smoothgrad-x-input' || method.name === 'integrated-gradients';
      const saliency = (timesInput ? tf.mul(meanGradient, images) : meanGradient).reshape([count, IMAGE_PIXELS]);
      const result = [probabilities!, saliency, chosen!, ...kept.slice(1, 1 + view.layers.length)];
      kept = [];
      return result;
    });
  } finally {
    tf.dispose(kept);
  }
}

/** The batch the gradient is taken over: the images first, then the method's other samples, group by group. */
function sampleBatch(images: tf.Tensor4D, { name, samples, noise = 0.15 }: SaliencyMethod): tf.Tensor4D {
  if (samples <= 1 || name === 'gradient' || name === 'gradient-x-input') return images;
  const others: tf.Tensor4D[] = [];
  for (let k = 1; k < samples; k++) {
    if (name === 'integrated-gradients') {
      others.push(tf.mul(images, k / samples));
    } else {
      others.push(tf.add(images, tf.randomNormal(images.shape, 0, noise, 'float32', NOISE_SEED + k)));
    }
  }
  return tf.concat([images, ...others], 0);
}
