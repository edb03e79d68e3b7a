import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { tf } from '@live-digits/shared/tf/tf';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { saveModel, writeModelMetadata } from '@live-digits/shared/model/model-files';
import { buildThrowawayNet, saveBrokenModel, saveThrowawayModel, throwawayMetadata } from '../../../../test/server/support/model-fixtures';
import { QuietLogger } from '../../../../test/server/support/quiet-logger';
import { AppConfig, loadConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';
import { MetricsService } from '../metrics/metrics.service';
import { ModelInfo, ModelService } from './model.service';

const IMAGE = new Float32Array(IMAGE_PIXELS).fill(0.5);

describe(ModelService.name, () => {
  let root: string;
  let modelDir: string;
  let metrics: MetricsService;
  let sut: ModelService;

  async function start(overrides: Partial<AppConfig> = {}): Promise<ModelService> {
    metrics = new MetricsService();
    sut = new ModelService({ ...loadConfig({}), modelDir, modelWatchMs: 0, ...overrides }, metrics);
    await sut.onModuleInit();
    return sut;
  }

  async function stop(): Promise<void> {
    sut.onModuleDestroy();
    await sut.onApplicationShutdown();
  }

  let logged: QuietLogger;

  beforeAll(async () => {
    // Refusals are logged on purpose; a passing run prints nothing (TEST_SERVER_LOGS=1 shows them).
    logged = new QuietLogger();
    Logger.overrideLogger(logged);
    root = await mkdtemp(path.join(tmpdir(), 'model-service-'));
  });
  beforeEach(async () => {
    modelDir = await mkdtemp(path.join(root, 'model-'));
  });
  afterEach(stop);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('loads the model and its metadata, and answers ten probabilities summing to 1', async () => {
    await saveThrowawayModel(modelDir, 1, 'first', 0.5);
    await start();
    expect(sut.backend).toBe('wasm');
    expect(sut.info).toMatchObject({ modelId: 'first', testAccuracy: 0.5 });

    const { probabilities, modelId } = await sut.predict(IMAGE);
    expect(modelId).toBe('first');
    expect(probabilities).toHaveLength(CLASS_COUNT);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('runs images arriving together in micro-batches of at most batchMaxSize', async () => {
    await saveThrowawayModel(modelDir);
    await start({ batchMaxSize: 32, batchWindowMs: 50 });
    // 40 images announced as being preprocessed, then arriving one by one.
    const arrivals = Array.from({ length: 40 }, () => sut.announce());
    const answers = await Promise.all(
      arrivals.map((arrived) => {
        arrived();
        return sut.predict(IMAGE);
      }),
    );

    expect(answers).toHaveLength(40);
    const { values } = await metrics.batchSize.get();
    expect(values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(2);
    expect(values.find((v) => v.metricName?.endsWith('_sum'))?.value).toBe(40);
    // Same image, same model, whichever batch it ran in.
    for (const { probabilities } of answers)
      for (let d = 0; d < CLASS_COUNT; d++) expect(probabilities[d]).toBeCloseTo(answers[0].probabilities[d], 5);
  });

  it("runs a frame's images together in one micro-batch, each answered as predict() answers it alone", async () => {
    await saveThrowawayModel(modelDir);
    // No window at all: a batch starts as soon as anything is queued, so only queueing together keeps them together.
    await start({ batchMaxSize: 32, batchWindowMs: 0 });
    const images = Array.from({ length: 5 }, (_, i) => new Float32Array(IMAGE_PIXELS).fill(i / 5));
    const together = await sut.predictAll(images);
    let { values } = await metrics.batchSize.get();
    expect(values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
    expect(values.find((v) => v.metricName?.endsWith('_sum'))?.value).toBe(5);
    for (const [i, image] of images.entries()) {
      const alone = await sut.predict(image);
      for (let d = 0; d < CLASS_COUNT; d++) expect(together[i].probabilities[d]).toBeCloseTo(alone.probabilities[d], 5);
    }
    ({ values } = await metrics.batchSize.get());
    expect(values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(6);
    await expect(sut.predictAll([IMAGE, new Float32Array(3)])).rejects.toThrow(/needs 784 pixels, got 3/);
  });

  it('runs a lone image at once rather than waiting out the batch window', async () => {
    await saveThrowawayModel(modelDir);
    await start({ batchWindowMs: 1000 });
    await sut.predict(IMAGE);
    const started = performance.now();
    await sut.predict(IMAGE);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('waits up to the batch window for an announced image, and no longer once it will not come', async () => {
    await saveThrowawayModel(modelDir);
    await start({ batchWindowMs: 1000 });
    const arrived = sut.announce();
    const started = performance.now();
    const answer = sut.predict(IMAGE);
    await new Promise((resolve) => setTimeout(resolve, 100));
    arrived(); // e.g. it turned out to be an empty canvas
    await answer;
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    expect(performance.now() - started).toBeLessThan(800);
  });

  it('leaves no tensor behind after many predictions', async () => {
    await saveThrowawayModel(modelDir);
    await start();
    await sut.predict(IMAGE);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: 20 }, () => sut.predict(IMAGE)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('answers MODEL_UNAVAILABLE while no model is loaded, and picks one up when it appears', async () => {
    await start({ modelWatchMs: 25 });
    expect(sut.info).toBeUndefined();
    await expect(sut.predict(IMAGE)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' } satisfies Partial<ClientError>);

    const swapped = new Promise<ModelInfo>((resolve) => sut.onSwap(resolve));
    await saveThrowawayModel(modelDir, 3, 'arrived');
    await expect(swapped).resolves.toMatchObject({ modelId: 'arrived' });
    await expect(sut.predict(IMAGE)).resolves.toMatchObject({ modelId: 'arrived' });
  });

  it('swaps in a new model on reload, tells listeners, and frees the old one', async () => {
    await saveThrowawayModel(modelDir, 1, 'old');
    await start();
    await sut.predict(IMAGE);
    const seen: string[] = [];
    sut.onSwap((info) => seen.push(info.modelId));

    await saveThrowawayModel(modelDir, 2, 'new', 0.9);
    const tensorsWithOne = tf.memory().numTensors; // counted after saving the fixture, which may keep tensors of its own
    await expect(sut.reload('test')).resolves.toBe(true);

    expect(seen).toEqual(['new']);
    expect(sut.info).toMatchObject({ modelId: 'new', testAccuracy: 0.9 });
    await expect(sut.predict(IMAGE)).resolves.toMatchObject({ modelId: 'new' });
    expect(tf.memory().numTensors).toBe(tensorsWithOne);
  });

  it('reloads on SIGHUP', async () => {
    await saveThrowawayModel(modelDir, 1, 'before-hup');
    await start();
    const swapped = new Promise<ModelInfo>((resolve) => sut.onSwap(resolve));
    await saveThrowawayModel(modelDir, 2, 'after-hup');
    process.emit('SIGHUP', 'SIGHUP');
    await expect(swapped).resolves.toMatchObject({ modelId: 'after-hup' });
  });

  it('refuses a broken model and keeps serving the old one', async () => {
    await saveThrowawayModel(modelDir, 1, 'good');
    await start();
    const seen: string[] = [];
    sut.onSwap((info) => seen.push(info.modelId));
    const tensors = tf.memory().numTensors;

    await saveBrokenModel(modelDir);
    await expect(sut.reload('test')).resolves.toBe(false);

    expect(seen).toEqual([]);
    expect(sut.info?.modelId).toBe('good');
    await expect(sut.predict(IMAGE)).resolves.toMatchObject({ modelId: 'good' });
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('refuses a model that breaks the input / output contract', async () => {
    await saveThrowawayModel(modelDir, 1, 'good');
    await start();
    // Valid files and a matching checksum: only the shapes are wrong.
    const wrong = tf.sequential({ layers: [tf.layers.dense({ inputShape: [IMAGE_PIXELS], units: CLASS_COUNT, activation: 'softmax' })] });
    const { weightsSha256 } = await saveModel(wrong, modelDir);
    await writeModelMetadata(modelDir, throwawayMetadata({ modelId: 'flat', weightsSha256 }));
    wrong.dispose();
    await expect(sut.reload('test')).resolves.toBe(false);
    expect(sut.info?.modelId).toBe('good');
  });

  it('refuses a model that scores far below the accuracy its metadata records on MNIST test digits (known-answer check)', async () => {
    await saveThrowawayModel(modelDir, 1, 'good');
    await start();
    // An untrained net whose metadata claims it was trained to 99%: checksum and contract are fine.
    const untrained = buildThrowawayNet(7);
    const { weightsSha256 } = await saveModel(untrained, modelDir);
    untrained.dispose();
    await writeModelMetadata(modelDir, {
      ...throwawayMetadata({ modelId: 'claims-99', testAccuracy: 0.99, weightsSha256 }),
      trainingImages: 55_000,
    });
    await expect(sut.reload('test')).resolves.toBe(false);
    expect(sut.info?.modelId).toBe('good');
    expect(logged.find('error', /Refused the model .*MNIST test digits, below .* recorded test accuracy 0\.99/)).toHaveLength(1);

    // The same files with the check off (MODEL_CHECK_DIGITS=0) are accepted: the check is what refused them.
    await stop();
    await start({ modelCheckDigits: 0 });
    expect(sut.info?.modelId).toBe('claims-99');
  });
});
