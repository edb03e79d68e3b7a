import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { generateDrawnDigits } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { WRITING_STYLES } from '@live-digits/digit-data/drawn-digits/writing-styles';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { saveModel } from '@live-digits/shared/model/model-files';
import { tf } from '@live-digits/shared/tf/tf';
import { pickRows } from '../data/training-data';
import { buildDigitNet } from '../model/digit-net';
import { OptionError } from '../option-error';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { EVALUATED_NUMBER_LENGTHS, EvaluationService } from './evaluation.service';

describe(EvaluationService.name, () => {
  const sut = new EvaluationService();
  let dir: string;
  let model: tf.LayersModel;

  beforeAll(async () => {
    await initGradientTensorFlow({ backend: 'wasm' });
    dir = await mkdtemp(path.join(tmpdir(), 'evaluation-'));
    model = buildDigitNet(3);
    await saveModel(model, dir);
  });

  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const oneHotish = (digit: number, top: number) => Array.from({ length: CLASS_COUNT }, (_, k) => (k === digit ? top : (1 - top) / 9));

  it('scores softmax rows: accuracy, per class, confusion, calibration, and an empty drawing as wrong', () => {
    const probabilities = Float32Array.from([...oneHotish(4, 0.99), ...oneHotish(9, 0.7), ...oneHotish(1, 0.95)]);
    const result = sut.score([4, 4, 1], probabilities, [false, false, true]);
    expect(result.count).toBe(3);
    expect(result.accuracy).toBeCloseTo(1 / 3, 6);
    expect(result.confusionMatrix[4][4]).toBe(1);
    expect(result.confusionMatrix[4][9]).toBe(1);
    expect(result.confusionMatrix[1][1]).toBe(0);
    expect(result.perClassAccuracy[4]).toBe(0.5);
    expect(result.medianConfidenceCorrect).toBeCloseTo(0.99, 5);
    expect(result.reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(3);
  });

  it('measures a model on an image set with the same figures every time', async () => {
    const mnist = readMnistSplit(bundledMnistDir(), 't10k');
    const set = { pixels: mnist.images.pixels.subarray(0, 64 * IMAGE_PIXELS), labels: mnist.labels.subarray(0, 64), count: 64 };
    const first = await sut.evaluateImageSet(model, set);
    const second = await sut.evaluateImageSet(model, set);
    expect(first).toEqual(second);
    expect(first.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(64);
    expect(first.ece).toBeGreaterThanOrEqual(0);
    expect(first.ece).toBeLessThanOrEqual(1);
  });

  it('reports the writing-styles set per style', async () => {
    const train = readMnistSplit(bundledMnistDir(), 'train');
    const source = { pixels: train.images.pixels.subarray(0, 500 * IMAGE_PIXELS), labels: train.labels.subarray(0, 500), count: 500 };
    const styles = ['one-flag', 'thin-pen'] as const;
    const result = await sut.evaluateWritingStyles(model, source, 4, 1, styles);
    expect(result.count).toBe(8);
    expect(Object.keys(result.perStyle)).toEqual([...styles]);
    expect(result.perStyle['one-flag'].confusionMatrix[1].reduce((a, b) => a + b, 0)).toBe(4);
    expect(WRITING_STYLES).toEqual(expect.arrayContaining([...styles]));
  }, 60_000);

  it('reads the generated drawings beside their MNIST sources: source misses, and drawing misses whose source is read right', async () => {
    const train = readMnistSplit(bundledMnistDir(), 'train');
    const source = { pixels: train.images.pixels.subarray(0, 500 * IMAGE_PIXELS), labels: train.labels.subarray(0, 500), count: 500 };
    const result = await sut.evaluateGeneratedDrawings(model, source, 20, 1);
    // The sources on their own, as an image set: the same digits the generator traced.
    const digits = generateDrawnDigits({ images: { pixels: source.pixels, count: 500 }, labels: source.labels }, 20, 1);
    const sources = await sut.evaluateImageSet(
      model,
      pickRows(
        { images: source, labels: source.labels },
        digits.map((d) => d.source),
      ),
    );
    expect(result.sources.missed).toBe(Math.round(20 * (1 - sources.accuracy)));
    const drawnMissed = Math.round(20 * (1 - result.accuracy));
    expect(result.sources.missedOnlyAsDrawn).toBeLessThanOrEqual(drawnMissed);
    // Every drawing missed is either missed only as a drawing or has a missed source.
    expect(result.sources.missedOnlyAsDrawn).toBeGreaterThanOrEqual(drawnMissed - result.sources.missed);
  }, 60_000);

  it('reads generated numbers of every length from a lone digit to six and scores them by length', async () => {
    const test = readMnistSplit(bundledMnistDir(), 't10k');
    const source = { pixels: test.images.pixels.subarray(0, 1000 * IMAGE_PIXELS), labels: test.labels.subarray(0, 1000), count: 1000 };
    const result = await sut.evaluateGeneratedNumbers(model, source, 12, 1);
    expect(EVALUATED_NUMBER_LENGTHS).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result.byLength.map((row) => [row.length, row.count])).toEqual(EVALUATED_NUMBER_LENGTHS.map((length) => [length, 2]));
    expect(result.twoToFour.count).toBe(6);
    expect(result.exact + result.misreadings.length).toBe(12);
    expect(result.digits.count).toBeLessThanOrEqual(2 * (1 + 2 + 3 + 4 + 5 + 6));
  }, 60_000);

  it('loads the model and the sets a request names', async () => {
    const report = await sut.evaluate({ modelDir: dir, backend: 'wasm', generated: 10, numbers: 6, seed: 42, validationSize: 5000 });
    expect(report.mnistTest).toBeUndefined();
    expect(report.generated?.count).toBe(10);
    expect(report.numbers?.count).toBe(6);
  }, 60_000);

  it('names the option when the model folder holds no model', async () => {
    const request = { modelDir: path.join(dir, 'missing'), backend: 'wasm' as const, mnistTest: true, seed: 1, validationSize: 5000 };
    await expect(sut.evaluate(request)).rejects.toThrow(OptionError);
    await expect(sut.evaluate(request)).rejects.toMatchObject({ option: 'modelDir' });
  });
});
