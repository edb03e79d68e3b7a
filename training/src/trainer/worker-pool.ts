/**
 * Data-parallel training on worker threads. wasm runs one thread per engine in Node, so two
 * engines on two cores roughly double throughput. Each step shards the batch, averages the
 * shards' gradients (weighted by shard size) and sends the mean back; the workers apply it with
 * identical optimizers, so their weights never diverge and never need copying.
 */
import { Worker } from 'node:worker_threads';
import { startWorker } from '@live-digits/shared/workers/start-worker';
import { ImageSetName, WorkerRequest, WorkerResponse, WorkerSetup } from './protocol';

type Pending = { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void };

class WorkerHandle {
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  constructor(readonly thread: Worker) {
    thread.on('message', (response: WorkerResponse) => {
      const next = this.pending.shift();
      if (!next) return;
      if (response.type === 'error') next.reject(new Error(`Gradient worker failed: ${response.message}`));
      else next.resolve(response);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiting of this.pending.splice(0)) waiting.reject(error);
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`Gradient worker exited with code ${code}`)));
  }

  /** Responses come back in request order, so one FIFO of waiters pairs them up. */
  request(message: WorkerRequest | null, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const answer = new Promise<WorkerResponse>((resolve, reject) => this.pending.push({ resolve, reject }));
    if (message) this.thread.postMessage(message, transfer);
    return answer;
  }
}

export interface StepResult {
  loss: number;
  correct: number;
  count: number;
}

export class GradientWorkerPool {
  private constructor(private readonly workers: WorkerHandle[]) {}

  static async start(count: number, setup: WorkerSetup): Promise<GradientWorkerPool> {
    const workers = Array.from({ length: count }, () => new WorkerHandle(startWorker(__filename, 'gradient-worker', setup)));
    const pool = new GradientWorkerPool(workers);
    try {
      await Promise.all(workers.map((w) => w.request(null)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** One optimisation step on `indices` (training-set rows). */
  async step(indices: Int32Array, augmentationSeed: number, learningRate: number): Promise<StepResult> {
    const shardSize = Math.ceil(indices.length / this.workers.length);
    const shards = this.workers.map((_, i) => indices.slice(i * shardSize, (i + 1) * shardSize)).filter((s) => s.length > 0);
    const results = (await Promise.all(
      shards.map((shard, i) =>
        this.workers[i].request({ type: 'gradients', indices: shard, augmentationSeed: augmentationSeed * this.workers.length + i }, [
          shard.buffer as ArrayBuffer,
        ]),
      ),
    )) as Array<Extract<WorkerResponse, { type: 'gradients' }>>;

    const mean = new Float32Array(results[0].gradients.length);
    for (const r of results) {
      const weight = r.count / indices.length;
      for (let i = 0; i < mean.length; i++) mean[i] += r.gradients[i] * weight;
    }
    // Not awaited: each worker handles messages in order, so the next step's request queues
    // behind this update and the round trip overlaps with the main thread's bookkeeping.
    for (const w of this.workers) void w.request({ type: 'apply', gradients: mean, learningRate }).catch(() => undefined);

    return {
      loss: results.reduce((sum, r) => sum + r.loss * r.count, 0) / indices.length,
      correct: results.reduce((sum, r) => sum + r.correct, 0),
      count: indices.length,
    };
  }

  /** Predicted digits for rows [0, count) of a set, split across the workers. */
  async predict(set: ImageSetName, count: number): Promise<Uint8Array> {
    const share = Math.ceil(count / this.workers.length);
    const parts = (await Promise.all(
      this.workers.map((w, i) =>
        w.request({ type: 'predict', set, start: Math.min(count, i * share), end: Math.min(count, (i + 1) * share) }),
      ),
    )) as Array<Extract<WorkerResponse, { type: 'predictions' }>>;
    const all = new Uint8Array(count);
    parts.forEach((part, i) => all.set(part.predictions, Math.min(count, i * share)));
    return all;
  }

  async weights(): Promise<Float32Array> {
    const response = (await this.workers[0].request({ type: 'weights' })) as Extract<WorkerResponse, { type: 'weights' }>;
    return response.weights;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }
}
