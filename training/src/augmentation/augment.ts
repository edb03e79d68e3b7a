/**
 * On-the-fly augmentation, fresh for every batch, so the model meets canvas drawings as it meets
 * MNIST. After the server's preprocessing a drawing is, like an MNIST digit, scaled to a 20 px
 * box and centred by mass; what still differs is tilt, slant, proportions, a residual offset and
 * stroke weight. Round canvas pens come out *thinner* than MNIST strokes (≈ 1.4 px against
 * ≈ 1.9 px), so the stroke-weight change leans towards thinning: thickening made 1s read as 7s.
 */
import { SeededRandom } from '@live-digits/digit-data/random';
import { IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { tf } from '@live-digits/shared/tf/tf';
import { DEFAULT_ELASTIC, ElasticOptions, elasticDistort } from './elastic';

export interface AugmentationOptions {
  maxRotationDeg: number;
  maxShear: number;
  scaleRange: [number, number];
  /** Extra independent stretch of one axis, for narrow or wide handwriting. */
  aspectRange: [number, number];
  maxShiftPx: number;
  /** ln(gamma) range for the ink curve: > 0 thins the anti-aliased stroke edges, < 0 thickens. */
  logGammaRange: [number, number];
  /** Applied first, before the affine map, so the affine fit measures the distorted ink. */
  elastic: ElasticOptions;
}

export const DEFAULT_AUGMENTATION: AugmentationOptions = {
  maxRotationDeg: 12,
  maxShear: 0.2,
  scaleRange: [0.88, 1.12],
  aspectRange: [0.88, 1.12],
  maxShiftPx: 2,
  logGammaRange: [-0.25, 0.9],
  /**
   * Off (no displacement). Two default runs, seed 42, that differ in this (and in refactors meant
   * to change nothing else): with elastic distortion (α up to 34) MNIST test 99.36%, drawn set
   * 97.30%, writing styles 98.38%, and MNIST's 1s lost to 8, 6 and 7; without it 99.71%, 97.80%,
   * 98.56%, 1132 of 1135 1s. The affine map, the canvas drawings and the style edits already give
   * the variety. The call still runs at α 0 so that the seed's random stream, and with it the
   * committed model, stay as trained.
   */
  elastic: { ...DEFAULT_ELASTIC, alphaRange: [0, 0] },
};

const CENTRE = (IMAGE_SIDE - 1) / 2;
/** Ink must stay this far from the edge, so nothing is cut off and the label still holds. */
const MARGIN = 1;
const INK = 0.1;

interface InkExtent {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The ink's bounding box as pixel edges (null for a blank image). */
export function inkExtent(image: Float32Array): InkExtent | null {
  let [left, right, top, bottom] = [IMAGE_SIDE, -1, IMAGE_SIDE, -1];
  for (let p = 0; p < IMAGE_PIXELS; p++) {
    if (image[p] <= INK) continue;
    const [x, y] = [p % IMAGE_SIDE, Math.floor(p / IMAGE_SIDE)];
    left = Math.min(left, x);
    right = Math.max(right, x + 1);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y + 1);
  }
  return right < 0 ? null : { left, right, top, bottom };
}

/**
 * One row of tf.image.transform, which maps each *output* pixel to the input pixel it samples:
 * we draw a forward affine map A (rotate · shear · scale about the centre, then shift), shrink
 * it if the ink would no longer fit, clamp the shift so the ink stays inside the frame, and hand
 * over the inverse.
 */
export function inverseAffineRow(random: SeededRandom, options: AugmentationOptions, ink: InkExtent | null): number[] {
  const angle = (random.uniform(-options.maxRotationDeg, options.maxRotationDeg) * Math.PI) / 180;
  const shear = random.uniform(-options.maxShear, options.maxShear);
  const scale = random.uniform(...options.scaleRange);
  const aspect = random.uniform(...options.aspectRange);
  const shiftX = random.uniform(-1, 1);
  const shiftY = random.uniform(-1, 1);
  const [sx, sy] = [scale * Math.sqrt(aspect), scale / Math.sqrt(aspect)];
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // A = R · H · S with H = [[1, shear], [0, 1]]
  let [a, b, c, d] = [cos * sx, (cos * shear - sin) * sy, sin * sx, (sin * shear + cos) * sy];

  const box = ink ?? { left: 4, right: 24, top: 4, bottom: 24 };
  const corners = [
    [box.left, box.top],
    [box.right, box.top],
    [box.left, box.bottom],
    [box.right, box.bottom],
  ].map(([x, y]) => [x - CENTRE - 0.5, y - CENTRE - 0.5]);
  const extent = () => {
    const xs = corners.map(([x, y]) => a * x + b * y);
    const ys = corners.map(([x, y]) => c * x + d * y);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  };
  const room = IMAGE_SIDE - 2 * MARGIN;
  const first = extent();
  const fit = Math.min(1, room / (first.x1 - first.x0), room / (first.y1 - first.y0));
  [a, b, c, d] = [a * fit, b * fit, c * fit, d * fit];
  const { x0, x1, y0, y1 } = extent();
  // Allowed shifts keep the transformed box within [MARGIN, 28 − MARGIN] (edges, about the centre).
  const shift = (unit: number, low: number, high: number) => {
    const [from, to] = [
      Math.max(-options.maxShiftPx, -CENTRE - 0.5 + MARGIN - low),
      Math.min(options.maxShiftPx, CENTRE + 0.5 - MARGIN - high),
    ];
    return from <= to ? from + ((unit + 1) / 2) * (to - from) : (from + to) / 2;
  };
  const tx = shift(shiftX, x0, x1);
  const ty = shift(shiftY, y0, y1);

  const det = a * d - b * c;
  const [ia, ib, ic, id] = [d / det, -b / det, -c / det, a / det];
  // input = centre + A⁻¹ (output − centre − t)
  const [ox, oy] = [CENTRE + tx, CENTRE + ty];
  return [ia, ib, CENTRE - ia * ox - ib * oy, ic, id, CENTRE - ic * ox - id * oy, 0, 0];
}

/**
 * Augments `count` 28×28 images (floats in [0, 1], concatenated) into a [N, 28, 28, 1] tensor.
 * Labels are unchanged by design: every change keeps a digit that digit.
 */
export function augmentBatch(pixels: Float32Array, count: number, random: SeededRandom, options = DEFAULT_AUGMENTATION): tf.Tensor4D {
  const transforms = new Float32Array(count * 8);
  const gammas = new Float32Array(count);
  const distorted = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < count; i++) {
    const image = elasticDistort(pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), random, options.elastic);
    distorted.set(image, i * IMAGE_PIXELS);
    transforms.set(inverseAffineRow(random, options, inkExtent(image)), i * 8);
    gammas[i] = Math.exp(random.uniform(...options.logGammaRange));
  }
  return tf.tidy(() => {
    const images = tf.tensor4d(distorted, [count, IMAGE_SIDE, IMAGE_SIDE, 1]);
    const moved = tf.image.transform(images, tf.tensor2d(transforms, [count, 8]), 'bilinear', 'constant', 0);
    return tf.pow(tf.clipByValue(moved, 0, 1), tf.tensor4d(gammas, [count, 1, 1, 1]));
  });
}
