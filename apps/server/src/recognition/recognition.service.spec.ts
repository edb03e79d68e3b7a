import type { ImagePayload } from '@live-digits/shared';
import { CANVAS_SIZE } from '@live-digits/shared';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import type { DigitCandidate, InkBox } from '@live-digits/shared/preprocessing/preprocess';
import { ClientError } from '../common/client-error';
import { MetricsService } from '../metrics/metrics.service';
import { ModelService } from './model.service';
import { PreprocessedNumber, PreprocessService } from './preprocess.service';
import { RecognitionService } from './recognition.service';

function candidate(id: number, box: InkBox): DigitCandidate {
  return { pixels: new Float32Array(IMAGE_PIXELS).fill(id / 10), box, placement: { scale: 0.1, dx: 0, dy: 0 } };
}

/** A softmax row sure of `digit` to `confidence`, the rest shared out. */
function row(digit: number, confidence: number): Float32Array {
  return Float32Array.from({ length: CLASS_COUNT }, (_, d) => (d === digit ? confidence : (1 - confidence) / (CLASS_COUNT - 1)));
}

/** One digit at (1, 1), as the first group of every fake number. */
const ONE_DIGIT: PreprocessedNumber = {
  width: CANVAS_SIZE,
  height: CANVAS_SIZE,
  empty: false,
  groups: [[[candidate(1, { x: 1, y: 1, width: 5, height: 5 })]]],
};

/** Fakes for the two stages: the orchestration is what is under test here. */
function setup({
  number = ONE_DIGIT,
  answers = [Float32Array.from([0.01, 0.02, 0.03, 0.7, 0.04, 0.05, 0.05, 0.04, 0.03, 0.03])],
  modelLoaded = true,
}: { number?: PreprocessedNumber; answers?: Float32Array[]; modelLoaded?: boolean } = {}) {
  const preprocess = {
    imageBytes: jest.fn((image: ImagePayload) => {
      if (image === 'not base64') throw new ClientError('INVALID_IMAGE', 'not an image');
      return Buffer.from(image as string);
    }),
    preprocess: jest.fn(async () => number),
    previewDataUrl: jest.fn(async (pixels: Float32Array) => `data:image/png;base64,preview-of-${Math.round(pixels[0] * 10)}`),
  };
  const models = {
    requireInfo: jest.fn(() => {
      if (!modelLoaded) throw new ClientError('MODEL_UNAVAILABLE', 'No model is loaded yet.');
      return { modelId: 'm1', testAccuracy: 0.99, metadata: null, loadedAt: '' };
    }),
    predictAll: jest.fn(async (images: Float32Array[]) => images.map((_, i) => ({ probabilities: answers[i], modelId: 'm1' }))),
    announce: jest.fn(() => () => undefined),
  };
  const metrics = new MetricsService();
  const sut = new RecognitionService(preprocess as unknown as PreprocessService, models as unknown as ModelService, metrics);
  return { sut, preprocess, models, metrics };
}

describe(RecognitionService.name, () => {
  it('answers the top digit, its confidence, all ten probabilities and timings', async () => {
    const { sut, metrics } = setup();
    const result = await sut.recognize('png', { transport: 'socket', receivedAt: performance.now() - 5 });
    expect(result).toMatchObject({ empty: false, digit: 3, modelId: 'm1' });
    expect(result.confidence).toBeCloseTo(0.7);
    expect(result.probabilities).toHaveLength(CLASS_COUNT);
    expect(result.preview).toBeUndefined();
    expect(result.timings.queueMs).toBeGreaterThanOrEqual(4);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(
      result.timings.queueMs + result.timings.preprocessMs + result.timings.inferenceMs - 0.1,
    );
    expect((await metrics.predictions.get()).values).toEqual([
      expect.objectContaining({ value: 1, labels: { transport: 'socket', empty: 'false' } }),
    ]);
  });

  it('answers a lone digit as a one-digit number with its box', async () => {
    const result = await setup().sut.recognize('png', { transport: 'socket' });
    expect(result.number).toEqual({
      text: '3',
      digits: [{ digit: 3, confidence: result.confidence, probabilities: result.probabilities, box: [1, 1, 5, 5] }],
    });
  });

  it("reads every digit in one batch, keeps each group's surest reading, and puts the first digit at the top level", async () => {
    const number: PreprocessedNumber = {
      ...ONE_DIGIT,
      groups: [
        ...ONE_DIGIT.groups,
        // A wide group: whole, or two touching digits.
        [
          [candidate(2, { x: 20, y: 2, width: 30, height: 10 })],
          [candidate(3, { x: 20, y: 2, width: 14, height: 10 }), candidate(4, { x: 34, y: 3, width: 16, height: 9 })],
        ],
        [[candidate(5, { x: 60, y: 1, width: 6, height: 11 })]],
      ],
    };
    const answers = [row(2, 0.9), row(8, 0.4), row(0, 0.99), row(0, 0.97), row(7, 0.8)];
    const { sut, models } = setup({ number, answers });
    const result = await sut.recognize('png', { transport: 'socket', preview: true });
    expect(models.predictAll).toHaveBeenCalledTimes(1);
    expect(models.predictAll.mock.calls[0][0].map((pixels) => Math.round(pixels[0] * 10))).toEqual([1, 2, 3, 4, 5]);
    expect(result.number?.text).toBe('2007');
    expect(result.number?.digits.map(({ box }) => box)).toEqual([
      [1, 1, 5, 5],
      [20, 2, 14, 10],
      [34, 3, 16, 9],
      [60, 1, 6, 11],
    ]);
    expect(result.number?.digits[3].confidence).toBeCloseTo(0.8);
    expect(result).toMatchObject({ empty: false, digit: 2, probabilities: result.number?.digits[0].probabilities });
    expect(result.confidence).toBeCloseTo(0.9);
    expect(result.preview).toBe('data:image/png;base64,preview-of-1');
  });

  it('skips the model for an empty canvas: no digit, every probability 0, no number', async () => {
    const { sut, models } = setup({ number: { width: CANVAS_SIZE, height: CANVAS_SIZE, empty: true, groups: [] } });
    const result = await sut.recognize('png', { transport: 'http', preview: true });
    expect(result).toMatchObject({
      empty: true,
      digit: null,
      confidence: null,
      probabilities: new Array(CLASS_COUNT).fill(0),
      number: null,
      modelId: 'm1',
      preview: 'data:image/png;base64,preview-of-0',
    });
    expect(models.predictAll).not.toHaveBeenCalled();
  });

  it('adds the preview only when asked', async () => {
    const { sut } = setup();
    expect((await sut.recognize('png', { transport: 'socket' })).preview).toBeUndefined();
    expect((await sut.recognize('png', { transport: 'socket', preview: true })).preview).toBe('data:image/png;base64,preview-of-1');
  });

  it('passes client errors through and refuses work while no model is loaded', async () => {
    await expect(setup().sut.recognize('not base64', { transport: 'socket' })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    const { sut, preprocess } = setup({ modelLoaded: false });
    await expect(sut.recognize('png', { transport: 'socket' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(preprocess.preprocess).not.toHaveBeenCalled();
  });
});
