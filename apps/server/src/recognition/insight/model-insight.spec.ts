import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { tf } from '@live-digits/shared/tf/tf';
import { IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { saveThrowawayModel } from '../../../../../test/server/support/model-fixtures';
import { QuietLogger } from '../../../../../test/server/support/quiet-logger';
import { loadConfig } from '../../config/app.config';
import { MetricsService } from '../../metrics/metrics.service';
import { ModelService } from '../model.service';

/** A stroke-like blob, so the throwaway model has something to look at. */
const IMAGE = new Float32Array(IMAGE_PIXELS).map((_, p) => (Math.abs((p % 28) - 14) < 3 && p > 140 && p < 640 ? 1 : 0));

describe(`${ModelService.name} insight`, () => {
  let modelDir: string;
  let sut: ModelService;

  beforeAll(() => Logger.overrideLogger(new QuietLogger()));
  beforeEach(async () => {
    modelDir = await mkdtemp(path.join(tmpdir(), 'model-insight-'));
    await saveThrowawayModel(modelDir, 1, 'first');
    sut = new ModelService({ ...loadConfig({}), modelDir, modelWatchMs: 0 }, new MetricsService());
    await sut.onModuleInit();
  });
  afterEach(async () => {
    sut.onModuleDestroy();
    await sut.onApplicationShutdown();
    await rm(modelDir, { recursive: true, force: true });
  });

  it('explains a batch in one pass: the probabilities predict() gives, one insight per image, the digits asked for', async () => {
    const { probabilities: expected } = await sut.predict(IMAGE);
    const { modelId, probabilities, insights } = await sut.explain([IMAGE, IMAGE, IMAGE], [undefined, 7, 0]);
    expect(modelId).toBe('first');
    for (const row of probabilities) expected.forEach((p, d) => expect(row[d]).toBeCloseTo(p, 5));
    expect(insights.map((insight) => insight.digit)).toEqual([expected.indexOf(Math.max(...expected)), 7, 0]);
    expect(insights.map((insight) => insight.layers.map((layer) => layer.kind))).toEqual(new Array(3).fill(['conv', 'pool', 'dense']));
  });

  it('builds the view of every model it swaps in, and frees the old model once (no tensor left behind)', async () => {
    await sut.explain([IMAGE], [undefined]);
    await saveThrowawayModel(modelDir, 2, 'second');
    const tensorsWithOne = tf.memory().numTensors;
    // A swap while an explanation is under way: it answers from the model it started with.
    const during = sut.explain([IMAGE], [undefined]);
    await expect(sut.reload('test')).resolves.toBe(true);
    await expect(during).resolves.toMatchObject({ modelId: 'first' });
    await expect(sut.explain([IMAGE], [3])).resolves.toMatchObject({ modelId: 'second', insights: [{ digit: 3 }] });
    expect(tf.memory().numTensors).toBe(tensorsWithOne);
  });

  it('answers MODEL_UNAVAILABLE once the model is gone', async () => {
    await sut.onApplicationShutdown();
    await expect(sut.explain([IMAGE], [undefined])).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });
});
