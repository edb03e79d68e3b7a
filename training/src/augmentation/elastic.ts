/**
 * Elastic distortion (Simard, Steinkraus & Platt, "Best practices for convolutional neural
 * networks applied to visual document analysis", 2003): every pixel moves by a random
 * displacement, and the displacement field is smoothed with a Gaussian of width σ so that
 * neighbouring pixels move together. The result is the wobble of a hand — a stroke that bows a
 * little, a loop that is squashed on one side — which affine transforms cannot make. Simard's
 * figures for 28×28 digits: σ = 4 px, displacement scale α = 34.
 *
 * Pure JS on purpose: the field differs per image, tf.image.transform only does affine maps, and
 * the cost (two separable blurs and one bilinear resampling of 784 pixels) is ≈ 0.1 ms an image,
 * negligible beside the gradient it feeds.
 */
import { SeededRandom } from '@live-digits/digit-data/random';
import { IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';

export interface ElasticOptions {
  /** Displacement scale α, drawn uniformly per image from this range (0 leaves the image as it was). */
  alphaRange: [number, number];
  /** Width σ of the Gaussian that smooths the field, in pixels. */
  sigma: number;
  /**
   * No pixel moves further than this, in pixels. MNIST and preprocessed drawings keep a 4 px
   * empty margin, so a cap below it means no ink is ever pulled in from outside the frame or
   * pushed against its edge.
   */
  maxDisplacement: number;
}

export const DEFAULT_ELASTIC: ElasticOptions = { alphaRange: [0, 34], sigma: 4, maxDisplacement: 3 };

const kernels = new Map<number, Float32Array>();

/** A normalised 1-D Gaussian, 3σ each side (cached: σ is the same for every image of a run). */
function gaussianKernel(sigma: number): Float32Array {
  let kernel = kernels.get(sigma);
  if (!kernel) {
    const radius = Math.ceil(3 * sigma);
    kernel = Float32Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = kernel.reduce((a, b) => a + b, 0);
    kernel.forEach((v, i) => (kernel![i] = v / sum));
    kernels.set(sigma, kernel);
  }
  return kernel;
}

/** Separable Gaussian blur of a 28×28 field, zero beyond the edges (the field fades out there). */
function blur(field: Float32Array, kernel: Float32Array): Float32Array {
  const radius = (kernel.length - 1) / 2;
  const rows = new Float32Array(IMAGE_PIXELS);
  const out = new Float32Array(IMAGE_PIXELS);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    const row = y * IMAGE_SIDE;
    for (let x = 0; x < IMAGE_SIDE; x++) {
      let sum = 0;
      for (let xx = Math.max(0, x - radius), end = Math.min(IMAGE_SIDE - 1, x + radius); xx <= end; xx++)
        sum += field[row + xx] * kernel[xx - x + radius];
      rows[row + x] = sum;
    }
  }
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      let sum = 0;
      for (let yy = Math.max(0, y - radius), end = Math.min(IMAGE_SIDE - 1, y + radius); yy <= end; yy++)
        sum += rows[yy * IMAGE_SIDE + x] * kernel[yy - y + radius];
      out[y * IMAGE_SIDE + x] = sum;
    }
  }
  return out;
}

/** Bilinear sample of a 28×28 image at (x, y), 0 outside it. */
function sample(image: Float32Array, x: number, y: number): number {
  const [x0, y0] = [Math.floor(x), Math.floor(y)];
  const [fx, fy] = [x - x0, y - y0];
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= IMAGE_SIDE || yy >= IMAGE_SIDE ? 0 : image[yy * IMAGE_SIDE + xx]);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/**
 * One elastically distorted copy of a 28×28 image (floats in [0, 1]). Every output pixel samples
 * the input at its own position plus the smoothed displacement; the random draws come from
 * `random` only, so a seed gives the same distortion.
 */
export function elasticDistort(image: Float32Array, random: SeededRandom, options: ElasticOptions = DEFAULT_ELASTIC): Float32Array {
  const alpha = random.uniform(...options.alphaRange);
  const kernel = gaussianKernel(options.sigma);
  const noise = () => {
    const field = new Float32Array(IMAGE_PIXELS);
    for (let p = 0; p < IMAGE_PIXELS; p++) field[p] = random.uniform(-1, 1);
    return field;
  };
  const [dx, dy] = [blur(noise(), kernel), blur(noise(), kernel)];
  const out = new Float32Array(IMAGE_PIXELS);
  const cap = options.maxDisplacement;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const p = y * IMAGE_SIDE + x;
      const [mx, my] = [alpha * dx[p], alpha * dy[p]];
      const length = Math.hypot(mx, my);
      const shrink = length > cap ? cap / length : 1;
      out[p] = sample(image, x + mx * shrink, y + my * shrink);
    }
  }
  return out;
}
