/**
 * `preprocessNumber` on worker threads. Decoding and the JS pixel loops cost a server ≈ 2–3 ms per
 * frame on its event loop, which also runs inference and every socket: on worker threads they use
 * the other cores and the loop stays free. Results are the same function's, byte for byte.
 */
import { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/start-worker';
import { PreprocessedNumber, PreprocessError, PreprocessErrorCode, PreprocessLimits } from './preprocess';

export interface PreprocessRequest {
  id: number;
  bytes: Uint8Array;
  limits: Partial<PreprocessLimits>;
}

export type PreprocessResponse =
  { id: number; number: PreprocessedNumber } | { id: number; error: { code?: PreprocessErrorCode; message: string } };

interface Pending {
  resolve(number: PreprocessedNumber): void;
  reject(error: Error): void;
}

class PreprocessWorker {
  readonly pending = new Map<number, Pending>();

  constructor(readonly thread: Worker) {
    thread.on('message', (response: PreprocessResponse) => {
      const waiting = this.pending.get(response.id);
      this.pending.delete(response.id);
      if (!waiting) return;
      if ('number' in response) waiting.resolve(response.number);
      else if (response.error.code) waiting.reject(new PreprocessError(response.error.code, response.error.message));
      else waiting.reject(new Error(response.error.message));
    });
    const fail = (error: Error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`A preprocessing worker exited with code ${code}`)));
    // An idle pool must not keep the process alive.
    thread.unref();
  }
}

export class PreprocessPool {
  private nextId = 0;

  private constructor(private readonly workers: PreprocessWorker[]) {}

  static start(count: number): PreprocessPool {
    return new PreprocessPool(Array.from({ length: count }, () => new PreprocessWorker(startWorker(__filename, 'preprocess.worker'))));
  }

  /** Same contract as `preprocessNumber`; the bytes are copied to the least busy worker. */
  preprocess(bytes: Uint8Array, limits: Partial<PreprocessLimits> = {}): Promise<PreprocessedNumber> {
    const worker = this.workers.reduce((least, w) => (w.pending.size < least.pending.size ? w : least));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.thread.postMessage({ id, bytes, limits } satisfies PreprocessRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }
}
