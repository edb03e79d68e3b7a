/**
 * The one place that imports TensorFlow.js. It picks the fastest backend this machine can
 * run and every other file imports `tf` from here, so there is never a second engine.
 *
 * Order: `tensorflow` (tfjs-node, native libtensorflow) when it loads, else `wasm`
 * (XNNPACK with SIMD, ships its .wasm inside the package), else the pure-JS `cpu` backend.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

export interface TensorFlowInitOptions {
  /** Force one backend (the `TFJS_BACKEND` setting or a `--backend` flag); fail if it cannot start. */
  backend?: BackendName;
  log?: (message: string) => void;
}

let started: Promise<BackendName> | undefined;

/** Starts TensorFlow.js once per process; later calls return the same choice. */
export function initTensorFlow(options: TensorFlowInitOptions = {}): Promise<BackendName> {
  started ??= startBackend(options).catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}

async function startBackend({ backend, log = () => undefined }: TensorFlowInitOptions): Promise<BackendName> {
  const candidates: BackendName[] = backend ? [backend] : [...BACKEND_NAMES];
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      await activate(candidate);
      log(`TensorFlow.js ${tf.version.tfjs} on the '${candidate}' backend` + (failures.length ? ` (${failures.join('; ')})` : ''));
      return candidate;
    } catch (error) {
      failures.push(`${candidate} unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${failures.join('; ')}`);
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // Registers the 'tensorflow' backend on the same tfjs-core copy; throws when libtensorflow is absent.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  }
  if (name === 'wasm') {
    // An absolute path keeps the .wasm files loadable whatever the working directory or bundling.
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  }
  if (!(await tf.setBackend(name))) throw new Error(`setBackend('${name}') failed`);
  await tf.ready();
}
