/**
 * The model folder — the one module that knows its files:
 *
 *   model.json + weights.bin   tfjs-node's layout, written and read by our own IO handler because
 *                              `file://` handlers exist only with tfjs-node. A model saved on one
 *                              backend loads on any, and anyone with tfjs-node can load it with
 *                              plain `tf.loadLayersModel('file://…/model.json')` (standard layers only).
 *   metadata.json              `ModelMetadata`, validated when read (model-metadata.ts)
 *   report.svg / report.png    the training report picture
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { tf } from '../tf/tf';
import { contractViolation } from './model-contract';
import { ModelMetadata, parseModelMetadata } from './model-metadata';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'metadata.json';
export const REPORT_SVG = 'report.svg';
export const REPORT_PNG = 'report.png';
/** The files whose change means a new model (what a server watching the folder polls). */
export const MODEL_FOLDER_FILES = [MODEL_JSON, WEIGHTS_BIN, METADATA_JSON] as const;

export const MODEL_NAME = 'digit-net';
/** Where `train` writes and the server reads unless told otherwise, relative to the working directory. */
export const DEFAULT_MODEL_DIR = `models/${MODEL_NAME}`;

/** The id rule: the model's name and its creation time in UTC, `digit-net-20261121-222407`. */
export function modelIdFor(created: Date): string {
  return `${MODEL_NAME}-${created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`;
}

/** The id of a model folder that has no metadata.json: the folder's name and a hash of its files' fingerprint. */
export function fallbackModelId(dir: string, fingerprint: string): string {
  return `${path.basename(dir)}-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 8)}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes both files next to their final names first, then renames, so a reader never sees half
 * a model. Returns the SHA-256 of weights.bin for metadata.json.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<{ weightsSha256: string }> {
  await mkdir(dir, { recursive: true });
  let weightsSha256 = '';
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : Buffer.alloc(0);
      weightsSha256 = sha256Hex(weights);
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
  return { weightsSha256 };
}

export async function writeModelMetadata(dir: string, metadata: ModelMetadata): Promise<void> {
  parseModelMetadata(metadata, `the metadata for ${dir}`);
  const file = path.join(dir, METADATA_JSON);
  await writeFile(`${file}.tmp`, JSON.stringify(metadata, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}

/** The folder's validated metadata.json, or null when it has none. */
export async function readModelMetadata(dir: string): Promise<ModelMetadata | null> {
  const file = path.join(dir, METADATA_JSON);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ModelFileError(dir, `${METADATA_JSON} cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(dir, `${METADATA_JSON} is not JSON (${(error as Error).message})`);
  }
  try {
    return parseModelMetadata(json, METADATA_JSON);
  } catch (error) {
    throw new ModelFileError(dir, (error as Error).message);
  }
}

export interface ModelFolder {
  model: tf.LayersModel;
  metadata: ModelMetadata | null;
}

/**
 * Loads a whole folder the way a server should: metadata first (validated), the weights checked
 * against the checksum it records, and the model against the input/output contract.
 */
export async function loadModelFolder(dir: string): Promise<ModelFolder> {
  const metadata = await readModelMetadata(dir);
  const model = await loadModel(dir, metadata?.weightsSha256);
  const violation = contractViolation(model);
  if (violation) {
    model.dispose();
    throw new ModelFileError(dir, violation);
  }
  return { model, metadata };
}

export class ModelFileError extends Error {
  constructor(dir: string, problem: string) {
    super(`Cannot load the model in ${dir}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

/**
 * Reads model.json and the weight files its manifest names (paths stay inside `dir`); with
 * `expectedSha256`, refuses weights whose checksum differs (bit flips, a zeroed file).
 */
export async function loadModel(dir: string, expectedSha256?: string): Promise<tf.LayersModel> {
  let json: {
    modelTopology?: object;
    weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
  };
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
  if (expectedSha256 !== undefined && sha256Hex(weights) !== expectedSha256) {
    throw new ModelFileError(dir, `${WEIGHTS_BIN} does not match the checksum in ${METADATA_JSON} (damaged or replaced weights)`);
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
