import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { WRITING_STYLES } from '@live-digits/digit-data/drawn-digits/writing-styles';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { loadModel, readModelMetadata } from '@live-digits/shared/model/model-files';
import { tf } from '@live-digits/shared/tf/tf';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { DEFAULT_TRAIN_OPTIONS } from '../../training/src/training.service';
import { runTrainingCli } from '../support/training-cli';

describe('training CLI', () => {
  let workDir: string;
  let modelDir: string;

  beforeAll(async () => {
    await initGradientTensorFlow({ backend: 'wasm' });
    workDir = await mkdtemp(path.join(tmpdir(), 'train-cli-'));
    modelDir = path.join(workDir, 'model');
  });

  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('trains a smoke model whose files load and predict', async () => {
    const result = await runTrainingCli([
      'train',
      '--limit',
      '1024',
      '--epochs',
      '1',
      '--drawn-set-size',
      '40',
      '--styles-set-size',
      '3',
      '--out',
      modelDir,
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/epoch 1\/1 .*done in \d+s: loss [\d.]+, train acc [\d.]+%, validation [\d.]+%/);
    expect(result.stdout).toMatch(
      /Saved digit-net-\S+ to .*writing styles [\d.]+% \(48\), temperature [\d.]+, ECE test [\d.]+% \/ drawn [\d.]+%/,
    );

    const metadata = JSON.parse(await readFile(path.join(modelDir, 'metadata.json'), 'utf8'));
    // 1024 MNIST images, plus the default shares of round-pen and writing-style drawings of them per image.
    const drawn = Math.round(1024 * DEFAULT_TRAIN_OPTIONS.drawingPool.drawn);
    const styled = Math.round(1024 * DEFAULT_TRAIN_OPTIONS.drawingPool.styled);
    expect(drawn).toBeGreaterThan(0);
    expect(styled).toBeGreaterThan(0);
    expect(metadata).toMatchObject({
      epochs: 1,
      trainingImages: 1024 + drawn + styled,
      seed: 42,
      drawnSet: { count: 40 },
      drawingPool: { drawn, styled },
    });
    expect(metadata.optimizer).not.toMatch(/label smoothing \d/);
    // The new fields, read back through the model package's validation.
    const validated = (await readModelMetadata(modelDir))!;
    expect(validated.calibration!.temperature).toBeGreaterThan(0);
    expect(validated.calibration!.bins).toBe(15);
    for (const set of [validated.calibration!.mnistTest, validated.calibration!.drawnSet, validated.calibration!.stylesSet]) {
      expect(set.reliability).toHaveLength(15);
      expect(set.ece).toBeGreaterThanOrEqual(0);
      expect(set.ece).toBeLessThanOrEqual(1);
    }
    // Temperature scaling is fitted to lower the validation NLL; it can only help there.
    expect(validated.calibration!.validationNll).toBeLessThanOrEqual(validated.calibration!.validationNllBefore + 1e-9);
    expect(validated.stylesSet!.count).toBe(3 * WRITING_STYLES.length);
    expect(Object.keys(validated.stylesSet!.perStyle).sort()).toEqual([...WRITING_STYLES].sort());
    expect(validated.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    // Eight steps of training: far from good, but clearly better than chance (10%).
    expect(metadata.testAccuracy).toBeGreaterThan(0.2);
    expect(metadata.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10_000);
    const report = await readFile(path.join(modelDir, 'report.svg'), 'utf8');
    expect(report).toMatch(/Reliability \(calibrated, 15 bins\)/);

    const model = await loadModel(modelDir);
    const mnist = readMnistSplit(bundledMnistDir(), 't10k');
    const probabilities = tf.tidy(() =>
      (
        model.predict(
          tf.tensor4d(
            Float32Array.from(mnist.images.pixels.subarray(0, 784 * 4), (v) => v / 255),
            [4, 28, 28, 1],
          ),
        ) as tf.Tensor
      ).arraySync(),
    ) as number[][];
    for (const row of probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  }, 300_000);

  it('evaluates that model on a folder of labelled drawings', async () => {
    const drawings = path.join(workDir, 'drawings');
    await mkdir(drawings);
    const digits = generateDrawnDigits(readMnistSplit(bundledMnistDir(), 'train'), 20, 5);
    const lines = ['file,label'];
    for (const [i, digit] of digits.entries()) {
      await writeFile(path.join(drawings, `d${i}.png`), await renderDrawnDigit(digit));
      lines.push(`d${i}.png,${digit.label}`);
    }
    await writeFile(path.join(drawings, 'labels.csv'), lines.join('\n') + '\n');

    const result = await runTrainingCli(['evaluate', '--model', modelDir, '--drawings', drawings, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report.drawings.count).toBe(20);
    expect(report.drawings.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(20);
    expect(report.drawings.ece).toBeGreaterThanOrEqual(0);
    expect(report.mnistTest).toBeUndefined();
  }, 120_000);

  it('evaluates the writing-styles set per style, with the MNIST test set in the same call, as JSON', async () => {
    const result = await runTrainingCli(['evaluate', '--model', modelDir, '--styles', '2', '--mnist-test', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report.mnistTest.count).toBe(10_000);
    expect(report.styles.count).toBe(2 * WRITING_STYLES.length);
    expect(Object.keys(report.styles.perStyle).sort()).toEqual([...WRITING_STYLES].sort());
    for (const style of WRITING_STYLES) {
      expect(report.styles.perStyle[style].count).toBe(2);
      expect(report.styles.perStyle[style]).toEqual(
        expect.objectContaining({ accuracy: expect.any(Number), ece: expect.any(Number), medianConfidenceCorrect: expect.any(Number) }),
      );
    }
  }, 120_000);

  it('prints accuracy, ECE, median confidence and per-class figures for people', async () => {
    const result = await runTrainingCli(['evaluate', '--model', modelDir, '--generated', '10', '--styles', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Generated drawings, seed 42 .*: accuracy [\d.]+% of 10; ECE [\d.]+% \(15 bins\); median confidence of right answers [\d.]+/,
    );
    expect(result.stdout).toMatch(/true\\pred/);
    expect(result.stdout).toMatch(/one-flag-foot\s+[\d.]+% of\s+1/);
  }, 120_000);

  it.each([
    [['train', '--epochs', 'ten'], /--epochs must be a whole number of at least 1, got 'ten'/],
    [
      ['train', '--limit', '100', '--batch-size', '512', '--drawn-pool', '0', '--styled-pool', '0', '--out', '/tmp/never-written'],
      /--batch-size 512 is larger than the 100 training images/,
    ],
    [['train', '--batch-size', '0'], /--batch-size must be a whole number of at least 1, got '0'/],
    [['train', '--learning-rate', '-1'], /--learning-rate must be a number above 0/],
    [['train', '--backend', 'gpu'], /--backend must be one of tensorflow, wasm, cpu, got 'gpu'/],
    [['train', '--data', '/no/such/dir'], /--data \/no\/such\/dir does not exist/],
    [['train', '--out', '/proc/forbidden-model', '--limit', '256'], /--out \/proc\/forbidden-model is not writable/],
    [['train', '--colour', 'red'], /unknown option '--colour'/],
    [['evaluate', '--model', '/no/model'], /--model \/no\/model does not exist/],
  ])('refuses %j with one clear line and a non-zero exit', async (args, message) => {
    const result = await runTrainingCli(args as string[]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
