import { Injectable } from '@nestjs/common';
import type { DigitInsight, ImagePayload, InsightRequest, PredictionPayload } from '@live-digits/shared';
import { CLASS_COUNT } from '@live-digits/shared/model/model-contract';
import { MetricsService } from '../metrics/metrics.service';
import { ModelService } from './model.service';
import { PreprocessedImage, PreprocessService } from './preprocess.service';

export type Recognition = Omit<PredictionPayload, 'seq'>;

export interface RecognizeOptions {
  /** performance.now() when the frame arrived; queueMs counts from here. */
  receivedAt?: number;
  /** Include the 28×28 the model saw as a PNG data URL. */
  preview?: boolean;
  /** Explain the guess (or the digit asked for) with the network's insides; nothing is computed without it. */
  insight?: InsightRequest;
  transport: 'socket' | 'http';
}

const NO_PROBABILITIES: readonly number[] = new Array<number>(CLASS_COUNT).fill(0);

/** One image to one answer: preprocessing, then the model (skipped for an empty canvas), timed per stage. */
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
    let image28: PreprocessedImage;
    try {
      image28 = await this.preprocess.preprocess(this.preprocess.imageBytes(image));
    } finally {
      arrived();
    }
    const preprocessed = performance.now();

    let probabilities = [...NO_PROBABILITIES];
    let modelId = modelInfo.modelId;
    let digitInsight: DigitInsight<Uint8Array> | undefined;
    if (!image28.empty && insight) {
      // The explaining pass answers too: its forward pass gives the probabilities.
      const explained = await this.models.explain([image28.pixels], [insight === true ? undefined : insight.digit]);
      probabilities = Array.from(explained.probabilities[0]);
      modelId = explained.modelId;
      digitInsight = { ...explained.insights[0], placement: image28.placement! };
    } else if (!image28.empty) {
      const prediction = await this.models.predict(image28.pixels);
      probabilities = Array.from(prediction.probabilities);
      modelId = prediction.modelId;
    }
    const inferred = performance.now();

    const digit = image28.empty ? null : argMax(probabilities);
    const box = image28.inkBox;
    const recognition: Recognition = {
      empty: image28.empty,
      digit,
      confidence: digit === null ? null : probabilities[digit],
      probabilities,
      // One digit per image until segmentation lands (issue 11).
      number:
        digit === null || !box
          ? null
          : {
              text: String(digit),
              digits: [
                {
                  digit,
                  confidence: probabilities[digit],
                  probabilities,
                  box: [box.x, box.y, box.width, box.height],
                  ...(digitInsight && { insight: digitInsight }),
                },
              ],
            },
      timings: { queueMs: 0, preprocessMs: 0, inferenceMs: 0, totalMs: 0 },
      modelId,
    };
    if (digitInsight) recognition.insight = digitInsight;
    if (preview) recognition.preview = await this.preprocess.previewDataUrl(image28.pixels);
    const finished = performance.now();
    recognition.timings = {
      queueMs: round(started - receivedAt),
      preprocessMs: round(preprocessed - started),
      inferenceMs: round(inferred - preprocessed),
      totalMs: round(finished - receivedAt),
    };
    this.metrics.observeStages(recognition.timings);
    this.metrics.predictions.inc({ transport, empty: String(image28.empty) });
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
