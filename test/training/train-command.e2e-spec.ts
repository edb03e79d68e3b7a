import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { loadModel } from '@live-digits/shared/model/model-files';
import { tf } from '@live-digits/shared/tf/tf';
import { initTrainingTensorFlow } from '../../training/src/tf/wasm-training-kernels';
import { runTrainingCli } from '../support/training-cli';

describe('training CLI', () => {
  let workDir: string;
  let modelDir: string;

  beforeAll(async () => {
    await initTrainingTensorFlow({ backend: 'wasm' });
    workDir = await mkdtemp(path.join(tmpdir(), 'train-cli-'));
    modelDir = path.join(workDir, 'model');
  });

  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('trains a smoke model whose files load and predict', async () => {
    const result = await runTrainingCli(['train', '--limit', '1024', '--epochs', '1', '--drawn-set-size', '40', '--out', modelDir]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/epoch 1\/1 .*done in \d+s: loss [\d.]+, train acc [\d.]+%, validation [\d.]+%/);
    expect(result.stdout).toMatch(/Saved digit-net-\S+ to /);

    const metadata = JSON.parse(await readFile(path.join(modelDir, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({ epochs: 1, trainingImages: 1024, seed: 42, drawnSet: { count: 40 } });
    // Eight steps of training: far from good, but clearly better than chance (10%).
    expect(metadata.testAccuracy).toBeGreaterThan(0.2);
    expect(metadata.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10_000);
    expect(existsSync(path.join(modelDir, 'report.svg'))).toBe(true);

    const model = await loadModel(modelDir);
    const mnist = readMnistSplit(bundledMnistDir(), 't10k');
    const probabilities = tf.tidy(() =>
      (model.predict(tf.tensor4d(Float32Array.from(mnist.images.pixels.subarray(0, 784 * 4), (v) => v / 255), [4, 28, 28, 1])) as tf.Tensor).arraySync(),
    ) as number[][];
    for (const row of probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

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
  });

  it.each([
    [['train', '--epochs', 'ten'], /--epochs must be a whole number of at least 1, got 'ten'/],
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
