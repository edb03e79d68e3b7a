import { Injectable } from '@nestjs/common';
import type { DigitInsight, DigitReading, ImagePayload, InsightRequest, PredictionPayload } from '@live-digits/shared';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { candidateImages, chooseReadings } from '@live-digits/shared/preprocessing/preprocess';
import { MetricsService } from '../metrics/metrics.service';
import { ModelService } from './model.service';
import { PreprocessedNumber, PreprocessService } from './preprocess.service';

export type Recognition = Omit<PredictionPayload, 'seq'>;

export interface RecognizeOptions {
  /** performance.now() when the frame arrived; queueMs counts from here. */
  receivedAt?: number;
  /** Include the 28×28 the model saw (of the first digit) as a PNG data URL. */
  preview?: boolean;
  /** Explain the guess (or the digit asked for) with the network's insides; nothing is computed without it. */
  insight?: InsightRequest;
  transport: 'socket' | 'http';
}

const NO_PROBABILITIES: readonly number[] = new Array<number>(CLASS_COUNT).fill(0);

/**
 * One image to one answer: preprocessing (every digit on the image), then the model (skipped for
 * an empty canvas), timed per stage. All of a frame's digits, and the alternative readings of a
 * group that may be touching digits, go to the model in one batch; the surest reading of each
 * group is kept.
 */
@Injectable()
export class RecognitionService {
  constructor(
    private readonly preprocess: PreprocessService,
    private readonly models: ModelService,
    private readonly metrics: MetricsService,
  ) {}

  /** `image` as the gateway or controller validated it; rejects with a ClientError for what it cannot answer. */
  async recognize(
    image: ImagePayload,
    { receivedAt = performance.now(), preview = false, insight, transport }: RecognizeOptions,
  ): Promise<Recognition> {
    const started = performance.now();
    const modelInfo = this.models.requireInfo();
    // Announced while preprocessing, so a micro-batch forming meanwhile waits for this image.
    const arrived = this.models.announce();
    let number: PreprocessedNumber;
    try {
      number = await this.preprocess.preprocess(this.preprocess.imageBytes(image));
    } finally {
      arrived();
    }
    const preprocessed = performance.now();

    let modelId = modelInfo.modelId;
    let readings: ReturnType<typeof chooseReadings> = [];
    /** Each chosen candidate's insight, when the frame asked for it. */
    const insights = new Map<Float32Array, DigitInsight<Uint8Array>>();
    if (!number.empty) {
      const images = candidateImages(number);
      const probabilities = new Float32Array(images.length * CLASS_COUNT);
      if (insight) {
        // The explaining pass answers too: its one forward pass gives the probabilities of every candidate.
        const target = insight === true ? undefined : insight.digit;
        const explained = await this.models.explain(
          images,
          images.map(() => target),
        );
        explained.probabilities.forEach((row, i) => probabilities.set(row, i * CLASS_COUNT));
        readings = chooseReadings(number, probabilities);
        for (const { candidate } of readings) {
          const raw = explained.insights[images.indexOf(candidate.pixels)];
          insights.set(candidate.pixels, { ...raw, placement: candidate.placement });
        }
        modelId = explained.modelId;
      } else {
        const predictions = await this.models.predictAll(images);
        predictions.forEach((prediction, i) => probabilities.set(prediction.probabilities, i * CLASS_COUNT));
        readings = chooseReadings(number, probabilities);
        modelId = predictions[0].modelId;
      }
    }
    const inferred = performance.now();

    const digits = readings.map(({ candidate: { box, pixels }, probabilities }): DigitReading => {
      const values = Array.from(probabilities);
      const digit = argMax(values);
      const reading: DigitReading = { digit, confidence: values[digit], probabilities: values, box: [box.x, box.y, box.width, box.height] };
      const digitInsight = insights.get(pixels);
      if (digitInsight) reading.insight = digitInsight;
      return reading;
    });
    // The top-level fields describe the first digit, for clients that read one digit.
    const first = digits.at(0);
    const recognition: Recognition = {
      empty: number.empty,
      digit: first?.digit ?? null,
      confidence: first?.confidence ?? null,
      probabilities: first?.probabilities ?? [...NO_PROBABILITIES],
      number: first ? { text: digits.map(({ digit }) => digit).join(''), digits } : null,
      timings: { queueMs: 0, preprocessMs: 0, inferenceMs: 0, totalMs: 0 },
      modelId,
    };
    if (first?.insight) recognition.insight = first.insight;
    if (preview) {
      const previews = await Promise.all(readings.map(({ candidate }) => this.preprocess.previewDataUrl(candidate.pixels)));
      previews.forEach((dataUrl, i) => (digits[i].preview = dataUrl));
      recognition.preview = previews.at(0) ?? (await this.preprocess.previewDataUrl(new Float32Array(IMAGE_PIXELS)));
    }
    const finished = performance.now();
    recognition.timings = {
      queueMs: round(started - receivedAt),
      preprocessMs: round(preprocessed - started),
      inferenceMs: round(inferred - preprocessed),
      totalMs: round(finished - receivedAt),
    };
    this.metrics.observeStages(recognition.timings);
    this.metrics.predictions.inc({ transport, empty: String(number.empty) });
    return recognition;
  }
}

function argMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
