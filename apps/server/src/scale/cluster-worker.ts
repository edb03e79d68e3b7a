/**
 * `CLUSTER_WORKERS=N`, in each worker: the Nest app initialises without listening; @socket.io/sticky
 * in the primary hands it connections over IPC. {@link ClusterLink} asks the primary for what only
 * it knows (every worker's metrics, the roster) and tells it which model this worker serves.
 */
import cluster from 'node:cluster';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { setupWorker } from '@socket.io/sticky';
import { AggregatorRegistry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { ModelService } from '../recognition/model.service';
import { ClusterReport, clusterRole, PrimaryMessage, WorkerMessage } from './cluster-messages';
import { SocketScaleOut } from './socket-scale-out';

type HeldMessage = [message: unknown, handle: unknown];
let held: HeldMessage[] | undefined;
const hold = (message: unknown, handle: unknown): void => void held?.push([message, handle]);

/**
 * Call first thing in a worker. Until the app serves, the connections the primary hands over
 * (it avoids a starting worker, but may have no other) are kept, and replayed once it serves,
 * instead of being dropped by a process not yet listening for them. Also lets prom-client answer
 * the primary's metrics requests from the start.
 */
export function holdConnectionsUntilServing(): void {
  held = [];
  process.on('message', hold);
  new AggregatorRegistry(); // registers prom-client's worker-side listener
}

/** Initialises the app (no port: the primary owns it), takes the connections, tells the primary. */
export async function serveClusterWorker(app: INestApplication): Promise<void> {
  await app.init();
  setupWorker(app.get(SocketScaleOut).server);
  process.off('message', hold);
  for (const [message, handle] of held ?? []) process.emit('message', message as never, handle as never);
  held = undefined;
  const modelId = app.get(ModelService).info?.modelId ?? null;
  send({ type: 'live-digits:serving', modelId });
  new Logger('ClusterWorker').log(`Worker ${cluster.worker?.id ?? '?'} (pid ${process.pid}) serving`);
}

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

const ASK_TIMEOUT_MS = 6000;

@Injectable()
export class ClusterLink implements OnModuleDestroy {
  private readonly enabled: boolean;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(body: unknown): void; reject(error: Error): void }>();
  private readonly onMessage = (message: PrimaryMessage) => {
    if (message?.type !== 'live-digits:answer') return;
    const request = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.error !== undefined) request?.reject(new Error(message.error));
    else request?.resolve(message.body);
  };
  private stopReporting = () => undefined as unknown;

  constructor(@Inject(APP_CONFIG) config: AppConfig, metrics: MetricsService, models: ModelService) {
    this.enabled = clusterRole(config) === 'worker';
    if (!this.enabled) return;
    AggregatorRegistry.setRegistries([metrics.registry]);
    process.on('message', this.onMessage);
    this.stopReporting = models.onSwap(({ modelId }) => send({ type: 'live-digits:model', modelId }));
  }

  get isWorker(): boolean {
    return this.enabled;
  }

  onModuleDestroy(): void {
    process.off('message', this.onMessage);
    this.stopReporting();
  }

  /** Prometheus text for every worker, summed by prom-client in the primary. */
  metrics(): Promise<string> {
    return this.ask('metrics') as Promise<string>;
  }

  report(): Promise<ClusterReport> {
    return this.ask('cluster') as Promise<ClusterReport>;
  }

  private ask(what: 'metrics' | 'cluster'): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the cluster primary did not answer within ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (body) => (clearTimeout(timer), resolve(body)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      send({ type: 'live-digits:ask', id, what });
    });
  }
}
