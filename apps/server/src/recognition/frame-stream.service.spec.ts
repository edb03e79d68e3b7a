import { Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FrameErrorPayload, ImagePayload, PredictionPayload } from '@live-digits/shared';
import { loadConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';
import { MetricsService } from '../metrics/metrics.service';
import { frameErrorPayload } from './frame-error.filter';
import { FrameStreamService } from './frame-stream.service';
import { Recognition, RecognitionService } from './recognition.service';

const ANSWER: Recognition = {
  empty: false,
  digit: 1,
  confidence: 0.9,
  probabilities: [0, 0.9, 0.1, 0, 0, 0, 0, 0, 0, 0],
  number: { text: '1', digits: [{ digit: 1, confidence: 0.9, probabilities: [0, 0.9, 0.1, 0, 0, 0, 0, 0, 0, 0], box: [10, 20, 30, 40] }] },
  timings: { queueMs: 0, preprocessMs: 1, inferenceMs: 1, totalMs: 2 },
  modelId: 'm',
};

function setup(recognize: (image: ImagePayload) => Promise<Recognition>) {
  const metrics = new MetricsService();
  const sut = new FrameStreamService(
    { ...loadConfig({}), debounceMs: 0, maxWaitMs: 0 },
    { recognize } as unknown as RecognitionService,
    metrics,
    { httpAdapter: undefined } as unknown as HttpAdapterHost,
  );
  const predictions: PredictionPayload[] = [];
  const errors: FrameErrorPayload[] = [];
  sut.open('s1', { prediction: (p) => predictions.push(p), error: (e) => errors.push(e) });
  return { sut, predictions, errors, metrics };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe(FrameStreamService.name, () => {
  it('sends each processed frame back as a prediction carrying its seq', async () => {
    const { sut, predictions } = setup(async () => ANSWER);
    sut.receive('s1', { seq: 1, image: 'x', final: true });
    await settle();
    expect(predictions).toEqual([{ seq: 1, ...ANSWER }]);
  });

  it('turns a failure into a frame:error for that seq', async () => {
    const { sut, errors, metrics } = setup(async () => {
      throw new ClientError('INVALID_IMAGE', 'The data is not a PNG, JPEG or WebP image.');
    });
    sut.receive('s1', { seq: 4, image: 'x', final: true });
    await settle();
    expect(errors).toEqual([{ seq: 4, code: 'INVALID_IMAGE', message: 'The data is not a PNG, JPEG or WebP image.' }]);
    expect((await metrics.errors.get()).values[0]).toMatchObject({ value: 1, labels: { code: 'INVALID_IMAGE' } });
  });

  it('hides an unexpected failure behind INTERNAL_ERROR', async () => {
    const { sut, errors } = setup(async () => {
      throw new TypeError('x is undefined');
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    sut.receive('s1', { seq: 1, image: 'x', final: true });
    await settle();
    expect(errors[0]).toMatchObject({ seq: 1, code: 'INTERNAL_ERROR' });
    expect(errors[0].message).not.toContain('x is undefined');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('x is undefined'));
    logged.mockRestore();
  });

  it('answers a code that frames do not have as INTERNAL_ERROR, logged like any bug', async () => {
    const { sut, errors } = setup(async () => {
      throw new ClientError('STORAGE_FAILED', 'The drawing could not be stored.');
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    sut.receive('s1', { seq: 3, image: 'x', final: true });
    await settle();
    expect(errors).toEqual([{ seq: 3, code: 'INTERNAL_ERROR', message: expect.stringMatching(/logged/) }]);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('STORAGE_FAILED'));
    logged.mockRestore();
  });

  it('builds frame:error only from frame codes (checked by the compiler)', () => {
    expect(frameErrorPayload(1, new ClientError('RATE_LIMITED', 'Too many frames.'))).toEqual({
      seq: 1,
      code: 'RATE_LIMITED',
      message: 'Too many frames.',
    });
    // @ts-expect-error STORAGE_FAILED belongs to feedback: a frame:error cannot carry it
    frameErrorPayload(1, new ClientError('STORAGE_FAILED', 'The drawing could not be stored.'));
  });

  it('refuses a seq that does not increase', () => {
    const { sut } = setup(async () => ANSWER);
    sut.receive('s1', { seq: 2, image: 'x' });
    expect(() => sut.receive('s1', { seq: 2, image: 'x' })).toThrow(expect.objectContaining({ code: 'INVALID_PAYLOAD' }) as ClientError);
  });

  it('on shutdown answers the frames it holds and refuses new ones', async () => {
    let release: () => void = () => undefined;
    const { sut, predictions } = setup(() => new Promise((resolve) => (release = () => resolve(ANSWER))));
    sut.receive('s1', { seq: 1, image: 'x', final: true });
    const shutdown = sut.beforeApplicationShutdown();
    expect(() => sut.receive('s1', { seq: 2, image: 'x' })).toThrow(expect.objectContaining({ code: 'MODEL_UNAVAILABLE' }) as ClientError);
    release();
    await shutdown;
    expect(predictions.map((p) => p.seq)).toEqual([1]);
  });
});
