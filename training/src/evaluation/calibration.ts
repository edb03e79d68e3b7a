/**
 * Calibration: whether "97% sure" means right 97% of the time.
 *
 * A network trained with cross-entropy is usually over-confident on what it has not seen and its
 * probabilities cannot be read at face value. Temperature scaling (Guo et al., "On Calibration of
 * Modern Neural Networks", 2017) is the standard cure: divide the logits by one scalar T fitted to
 * minimise the negative log-likelihood on held-out data. T changes no argmax, so accuracy is
 * untouched. Because softmax(z / T) with z = W·h + b equals softmax((W / T)·h + b / T), T folds
 * into the last dense layer, and every consumer of model.json gets the calibrated probabilities
 * without knowing T exists.
 *
 * Expected calibration error (ECE): sort predictions into equal-width bins by their confidence
 * (top probability), and average |accuracy − mean confidence| over bins weighted by bin size.
 */
import { CalibrationFigures, ReliabilityBin } from '@live-digits/shared/model/model-metadata';
import { CLASS_COUNT } from '@live-digits/shared/model/model-contract';
import { tf } from '@live-digits/shared/tf/tf';
import { argMaxRows, ImageBatchSource, predictInChunks } from './predict';

/** The usual choice in the calibration literature (Guo et al.). */
export const CALIBRATION_BINS = 15;

/** The name of digit-net's last dense layer, whose weights the temperature is folded into. */
export const OUTPUT_LAYER = 'probabilities';

/** Reliability bins, ECE and the median confidence of the right answers, from softmax rows. */
export function calibrationFigures(probabilities: Float32Array, labels: ArrayLike<number>, bins = CALIBRATION_BINS): CalibrationFigures {
  const predicted = argMaxRows(probabilities);
  const sums = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  const rightConfidences: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const confidence = probabilities[i * CLASS_COUNT + predicted[i]];
    const correct = predicted[i] === labels[i];
    // Bin b holds confidences in [b / bins, (b + 1) / bins); a confidence of exactly 1 joins the last.
    const bin = sums[Math.min(bins - 1, Math.floor(confidence * bins))];
    bin.count++;
    bin.confidence += confidence;
    if (correct) {
      bin.correct++;
      rightConfidences.push(confidence);
    }
  }
  const reliability: ReliabilityBin[] = sums.map((s, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: s.count,
    confidence: s.count ? s.confidence / s.count : 0,
    accuracy: s.count ? s.correct / s.count : 0,
  }));
  const total = labels.length || 1;
  const ece = reliability.reduce((sum, bin) => sum + (bin.count / total) * Math.abs(bin.accuracy - bin.confidence), 0);
  return { ece, medianConfidenceCorrect: median(rightConfidences), reliability };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Row-wise softmax of logits divided by T, in float64 for a stable NLL. */
export function softmaxRows(logits: Float32Array, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length / CLASS_COUNT; row++) {
    const offset = row * CLASS_COUNT;
    let max = -Infinity;
    for (let k = 0; k < CLASS_COUNT; k++) max = Math.max(max, logits[offset + k] / temperature);
    let sum = 0;
    for (let k = 0; k < CLASS_COUNT; k++) sum += Math.exp(logits[offset + k] / temperature - max);
    for (let k = 0; k < CLASS_COUNT; k++) out[offset + k] = Math.exp(logits[offset + k] / temperature - max) / sum;
  }
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(logits / T). */
export function negativeLogLikelihood(logits: Float32Array, labels: ArrayLike<number>, temperature: number): number {
  let total = 0;
  for (let row = 0; row < labels.length; row++) {
    const offset = row * CLASS_COUNT;
    let max = -Infinity;
    for (let k = 0; k < CLASS_COUNT; k++) max = Math.max(max, logits[offset + k] / temperature);
    let sum = 0;
    for (let k = 0; k < CLASS_COUNT; k++) sum += Math.exp(logits[offset + k] / temperature - max);
    total += max + Math.log(sum) - logits[offset + labels[row]] / temperature;
  }
  return total / Math.max(1, labels.length);
}

/**
 * The T that minimises the NLL, by golden-section search over ln T in [ln 0.05, ln 20]. The NLL
 * is convex in 1/T (a log-sum-exp of linear functions minus a linear one), hence unimodal in
 * ln T, so golden-section search finds its minimum; 60 iterations narrow the bracket to 1e-12.
 */
export function fitTemperature(logits: Float32Array, labels: ArrayLike<number>): number {
  const nll = (logT: number) => negativeLogLikelihood(logits, labels, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [low, high] = [Math.log(0.05), Math.log(20)];
  let [a, b] = [high - ratio * (high - low), low + ratio * (high - low)];
  let [fa, fb] = [nll(a), nll(b)];
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      [high, b, fb] = [b, a, fa];
      a = high - ratio * (high - low);
      fa = nll(a);
    } else {
      [low, a, fa] = [a, b, fb];
      b = low + ratio * (high - low);
      fb = nll(b);
    }
  }
  return Math.exp((low + high) / 2);
}

/**
 * The model's logits (the last dense layer before its softmax) for every image: the features
 * that feed that layer, times its kernel, plus its bias. Exact, unlike log(softmax), which loses
 * the small probabilities to float32 underflow.
 */
export async function predictLogits(model: tf.LayersModel, images: ImageBatchSource): Promise<Float32Array> {
  const output = model.getLayer(OUTPUT_LAYER);
  const features = tf.model({ inputs: model.inputs, outputs: output.input as tf.SymbolicTensor });
  const hidden = await predictInChunks(features, images);
  const [kernel, bias] = output.getWeights();
  const logits = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(hidden, [images.count, kernel.shape[0]]), kernel), bias));
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return values;
}

/** Divides the last dense layer's kernel and bias by T: the model's softmax becomes softmax(logits / T). */
export function foldTemperature(model: tf.LayersModel, temperature: number): void {
  const output = model.getLayer(OUTPUT_LAYER);
  const scaled = output.getWeights().map((w) => tf.div(w, temperature));
  output.setWeights(scaled);
  tf.dispose(scaled);
}
