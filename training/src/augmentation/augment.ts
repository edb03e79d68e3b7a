/**
 * On-the-fly augmentation, fresh for every batch, so the model meets canvas drawings as it meets
 * MNIST. After the server's preprocessing a drawing is, like an MNIST digit, scaled to a 20 px
 * box and centred by mass; what still differs is tilt, slant, proportions, a residual offset and
 * stroke weight. Round canvas pens come out *thinner* than MNIST strokes (≈ 1.4 px against
 * ≈ 1.9 px), so the stroke-weight change leans towards thinning: thickening made 1s read as 7s.
 */
import { SeededRandom } from '@live-digits/shared/random';
import { tf } from '@live-digits/shared/tf/tf';

export interface AugmentationOptions {
  maxRotationDeg: number;
  maxShear: number;
  scaleRange: [number, number];
  /** Extra independent stretch of one axis, for narrow or wide handwriting. */
  aspectRange: [number, number];
  maxShiftPx: number;
  /** ln(gamma) range for the ink curve: > 0 thins the anti-aliased stroke edges, < 0 thickens. */
  logGammaRange: [number, number];
}

export const DEFAULT_AUGMENTATION: AugmentationOptions = {
  maxRotationDeg: 12,
  maxShear: 0.2,
  scaleRange: [0.88, 1.12],
  aspectRange: [0.88, 1.12],
  maxShiftPx: 2,
  logGammaRange: [-0.25, 0.9],
};

const CENTRE = 13.5;

/**
 * One row of tf.image.transform: it maps each *output* pixel to the input pixel it samples, so
 * we build the forward affine map A (rotate · shear · scale about the centre, then shift) and
 * hand over its inverse.
 */
export function inverseAffineRow(random: SeededRandom, options: AugmentationOptions): number[] {
  const angle = (random.uniform(-options.maxRotationDeg, options.maxRotationDeg) * Math.PI) / 180;
  const shear = random.uniform(-options.maxShear, options.maxShear);
  const scale = random.uniform(...options.scaleRange);
  const aspect = random.uniform(...options.aspectRange);
  const [sx, sy] = [scale * Math.sqrt(aspect), scale / Math.sqrt(aspect)];
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // A = R · H · S with H = [[1, shear], [0, 1]]
  const a = cos * sx;
  const b = (cos * shear - sin) * sy;
  const c = sin * sx;
  const d = (sin * shear + cos) * sy;
  const tx = random.uniform(-options.maxShiftPx, options.maxShiftPx);
  const ty = random.uniform(-options.maxShiftPx, options.maxShiftPx);
  const det = a * d - b * c;
  const [ia, ib, ic, id] = [d / det, -b / det, -c / det, a / det];
  // input = centre + A⁻¹ (output − centre − t)
  const ox = CENTRE + tx;
  const oy = CENTRE + ty;
  return [ia, ib, CENTRE - ia * ox - ib * oy, ic, id, CENTRE - ic * ox - id * oy, 0, 0];
}

/** Augments a batch of [N, 28, 28, 1] images in [0, 1]; the labels are unchanged by design. */
export function augmentBatch(images: tf.Tensor4D, random: SeededRandom, options = DEFAULT_AUGMENTATION): tf.Tensor4D {
  const count = images.shape[0];
  const transforms = new Float32Array(count * 8);
  const gammas = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    transforms.set(inverseAffineRow(random, options), i * 8);
    gammas[i] = Math.exp(random.uniform(...options.logGammaRange));
  }
  return tf.tidy(() => {
    const moved = tf.image.transform(images, tf.tensor2d(transforms, [count, 8]), 'bilinear', 'constant', 0);
    return tf.pow(tf.clipByValue(moved, 0, 1), tf.tensor4d(gammas, [count, 1, 1, 1]));
  });
}
