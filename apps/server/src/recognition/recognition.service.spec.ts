import type { ImagePayload } from '@live-digits/shared';
import { CANVAS_SIZE } from '@live-digits/shared';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { ClientError } from '../common/client-error';
import { MetricsService } from '../metrics/metrics.service';
import { ModelService } from './model.service';
import { PreprocessService } from './preprocess.service';
import { RecognitionService } from './recognition.service';

/** Fakes for the two stages: the orchestration is what is under test here. */
function setup({ empty = false, modelLoaded = true } = {}) {
  const pixels = new Float32Array(IMAGE_PIXELS);
  const preprocess = {
    imageBytes: jest.fn((image: ImagePayload) => {
      if (image === 'not base64') throw new ClientError('INVALID_IMAGE', 'not an image');
      return Buffer.from(image as string);
    }),
    preprocess: jest.fn(async () => ({
      pixels,
      empty,
      inkBox: empty ? null : { x: 1, y: 1, width: 5, height: 5 },
      width: CANVAS_SIZE,
      height: CANVAS_SIZE,
    })),
    previewDataUrl: jest.fn(async () => 'data:image/png;base64,AAAA'),
  };
  const probabilities = Float32Array.from([0.01, 0.02, 0.03, 0.7, 0.04, 0.05, 0.05, 0.04, 0.03, 0.03]);
  const models = {
    requireInfo: jest.fn(() => {
      if (!modelLoaded) throw new ClientError('MODEL_UNAVAILABLE', 'No model is loaded yet.');
      return { modelId: 'm1', testAccuracy: 0.99, metadata: null, loadedAt: '' };
    }),
    predict: jest.fn(async () => ({ probabilities, modelId: 'm1' })),
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

  it('skips the model for an empty canvas: no digit, every probability 0', async () => {
    const { sut, models } = setup({ empty: true });
    const result = await sut.recognize('png', { transport: 'http' });
    expect(result).toMatchObject({
      empty: true,
      digit: null,
      confidence: null,
      probabilities: new Array(CLASS_COUNT).fill(0),
      modelId: 'm1',
    });
    expect(models.predict).not.toHaveBeenCalled();
  });

  it('adds the preview only when asked', async () => {
    const { sut } = setup();
    expect((await sut.recognize('png', { transport: 'socket', preview: true })).preview).toBe('data:image/png;base64,AAAA');
  });

  it('passes client errors through and refuses work while no model is loaded', async () => {
    await expect(setup().sut.recognize('not base64', { transport: 'socket' })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    const { sut, preprocess } = setup({ modelLoaded: false });
    await expect(sut.recognize('png', { transport: 'socket' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(preprocess.preprocess).not.toHaveBeenCalled();
  });
});
