import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModel, saveModel } from './model-files';
import { initTensorFlow, tf } from '../tf/tf';

describe('model files', () => {
  let dir: string;

  beforeAll(async () => {
    await initTensorFlow({ backend: 'wasm' });
    dir = await mkdtemp(path.join(tmpdir(), 'model-files-'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  function smallModel(): tf.LayersModel {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu' }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    return model;
  }

  it('saves in the tfjs-node layout and loads back with equal predictions', async () => {
    const sut = smallModel();
    await saveModel(sut, dir);
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);

    const loaded = await loadModel(dir);
    const input = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5);
    const expected = sut.predict(input) as tf.Tensor;
    const actual = loaded.predict(input) as tf.Tensor;
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([input, expected, actual]);
  });

  it('loads on another backend', async () => {
    const sut = smallModel();
    await saveModel(sut, dir);
    const input = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 9);
    const onWasm = Array.from((sut.predict(input) as tf.Tensor).dataSync());
    const inputValues = input.arraySync();
    await tf.setBackend('cpu');
    try {
      const loaded = await loadModel(dir);
      const onCpu = Array.from((loaded.predict(tf.tensor(inputValues)) as tf.Tensor).dataSync());
      onCpu.forEach((p, i) => expect(p).toBeCloseTo(onWasm[i], 5));
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('explains a missing or damaged model', async () => {
    await expect(loadModel(path.join(dir, 'nowhere'))).rejects.toThrow(/model.json is missing or not JSON/);
    const smallModelDir = await mkdtemp(path.join(tmpdir(), 'model-damaged-'));
    await saveModel(smallModel(), smallModelDir);
    await writeFile(path.join(smallModelDir, 'weights.bin'), Buffer.alloc(10));
    await expect(loadModel(smallModelDir)).rejects.toThrow(/weights.bin has 10 bytes, the manifest needs/);
    await rm(smallModelDir, { recursive: true });
  });

  it('refuses same-size weights that do not match the checksum recorded for them', async () => {
    const checkedDir = await mkdtemp(path.join(tmpdir(), 'model-checksum-'));
    const { weightsSha256 } = await saveModel(smallModel(), checkedDir);
    (await loadModel(checkedDir, weightsSha256)).dispose();
    const weights = await readFile(path.join(checkedDir, 'weights.bin'));
    weights[weights.length >> 1] ^= 0x01; // one bit: the file keeps its size, the manifest is satisfied
    await writeFile(path.join(checkedDir, 'weights.bin'), weights);
    await expect(loadModel(checkedDir, weightsSha256)).rejects.toThrow(/weights.bin does not match the checksum in metadata.json/);
    await rm(checkedDir, { recursive: true });
  });
});
