/**
 * Models on disk in tfjs-node's layout — `model.json` + `weights.bin` — written and read by
 * our own IO handler, because `file://` handlers exist only with tfjs-node. A model saved on
 * one backend loads on any, and tfjs-node users can load it with `file://…/model.json`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { tf } from './tf';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes both files next to their final names first, then renames, so a reader never sees half a model. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : Buffer.alloc(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(path.join(dir, `${WEIGHTS_BIN}.tmp`), weights);
      await writeFile(path.join(dir, `${MODEL_JSON}.tmp`), JSON.stringify(modelJson));
      await rename(path.join(dir, `${WEIGHTS_BIN}.tmp`), path.join(dir, WEIGHTS_BIN));
      await rename(path.join(dir, `${MODEL_JSON}.tmp`), path.join(dir, MODEL_JSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

export class ModelFileError extends Error {
  constructor(dir: string, problem: string) {
    super(`Cannot load the model in ${dir}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

/** Reads model.json and the weight files its manifest names (paths stay inside `dir`). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  let json: { modelTopology?: object; weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>; format?: string; generatedBy?: string; convertedBy?: string | null };
  try {
    json = JSON.parse(await readFile(path.join(dir, MODEL_JSON), 'utf8'));
  } catch (error) {
    throw new ModelFileError(dir, `${MODEL_JSON} is missing or not JSON (${(error as Error).message})`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ModelFileError(dir, `${MODEL_JSON} has no modelTopology or weightsManifest`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const file of group.paths) {
      const resolved = path.resolve(dir, file);
      if (path.dirname(resolved) !== path.resolve(dir)) throw new ModelFileError(dir, `weights path ${file} leaves the model folder`);
      buffers.push(await readFile(resolved).catch((error: Error) => Promise.reject(new ModelFileError(dir, error.message))));
    }
  }
  const weights = Buffer.concat(buffers);
  const expectedBytes = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weights.length !== expectedBytes) {
    throw new ModelFileError(dir, `${WEIGHTS_BIN} has ${weights.length} bytes, the manifest needs ${expectedBytes}`);
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
      }),
    );
  } catch (error) {
    throw new ModelFileError(dir, (error as Error).message);
  }
}
