/**
 * `CLUSTER_WORKERS=N`: this process is the primary. It owns the port and hands each connection to
 * a worker with @socket.io/sticky (a long-polling session's requests all reach the worker that
 * opened it), relays the workers' broadcasts with @socket.io/cluster-adapter, replaces a worker
 * that dies, forwards SIGHUP, drains every worker on SIGTERM, and answers the workers' questions
 * for `/metrics` (prom-client's AggregatorRegistry) and `/health` (the roster). It loads no model.
 */
import cluster, { Worker } from 'node:cluster';
import { createServer } from 'node:http';
import { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { setupPrimary as setupClusterAdapterRelay } from '@socket.io/cluster-adapter';
import { setupMaster as setupStickySessions } from '@socket.io/sticky';
import { AggregatorRegistry } from 'prom-client';
import type { AppConfig } from '../config/app.config';
import { ClusterReport, isWorkerMessage, PrimaryMessage, WorkerMessage } from './cluster-messages';

/**
 * @socket.io/sticky's least-connection balancing reads `clientsCount` on each worker. A worker that
 * is still starting gets this much added, so new sessions go to the workers already serving unless
 * none is (then it gets them, and holds them until it serves: cluster-worker.ts).
 */
const STARTING_PENALTY = 1_000_000;
/** A worker that dies sooner than this after starting is crashing on start-up: wait before the next one. */
const QUICK_CRASH_MS = 10_000;

/**
 * Node hands a socket to a worker (`worker.send(message, socket)`, as @socket.io/sticky does) but
 * keeps reading it in the primary, throwing the bytes away, until the worker's acknowledgement is
 * back over IPC. A WebSocket client sends its first frame (Socket.IO's CONNECT) a millisecond or
 * two after the worker answers the handshake; if the primary reads it first it is lost, and the
 * client waits for ever. So the primary stops reading a socket as it hands it over.
 */
function stopReadingOnHandOff(worker: Worker): void {
  const send = worker.send.bind(worker) as (...args: unknown[]) => boolean;
  worker.send = ((...args: unknown[]) => {
    if (args[1] instanceof Socket) (args[1] as Socket & { _handle?: { readStop(): number } | null })._handle?.readStop();
    return send(...args);
  }) as Worker['send'];
}

interface WorkerEntry {
  worker: Worker & { clientsCount?: number };
  startedAt: number;
  state: 'starting' | 'serving';
  modelId: string | null;
}

export async function runClusterPrimary(config: AppConfig): Promise<void> {
  const logger = new Logger('ClusterPrimary');
  const roster = new Map<number, WorkerEntry>();
  const metrics = new AggregatorRegistry();
  let restarts = 0;
  let quickCrashes = 0;
  let shuttingDown = false;

  // Buffers in the cluster adapter's packets and sticky's forwarded chunks survive IPC as Buffers.
  cluster.setupPrimary({ serialization: 'advanced' });
  setupClusterAdapterRelay();
  const httpServer = createServer();
  setupStickySessions(httpServer, { loadBalancingMethod: 'least-connection' });
  httpServer.requestTimeout = config.requestTimeoutMs;

  const fork = (): void => {
    const worker: WorkerEntry['worker'] = cluster.fork();
    worker.clientsCount = STARTING_PENALTY;
    stopReadingOnHandOff(worker);
    roster.set(worker.id, { worker, startedAt: Date.now(), state: 'starting', modelId: null });
  };

  const report = (): ClusterReport => ({
    primaryPid: process.pid,
    restarts,
    workers: [...roster.values()].map(({ worker, startedAt, state, modelId }) => ({
      id: worker.id,
      pid: worker.process.pid ?? 0,
      state,
      modelId,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
    })),
  });

  let allServing: () => void;
  const serving = new Promise<void>((resolve) => (allServing = resolve));

  cluster.on('message', (worker, message: unknown) => {
    if (!isWorkerMessage(message)) return;
    const entry = roster.get(worker.id);
    if (!entry) return;
    void answer(entry, message);
  });

  async function answer(entry: WorkerEntry, message: WorkerMessage): Promise<void> {
    switch (message.type) {
      case 'live-digits:serving':
        if (entry.state === 'starting') entry.worker.clientsCount = (entry.worker.clientsCount ?? 0) - STARTING_PENALTY;
        entry.state = 'serving';
        entry.modelId = message.modelId;
        if ([...roster.values()].filter((e) => e.state === 'serving').length >= config.clusterWorkers) allServing();
        return;
      case 'live-digits:model':
        entry.modelId = message.modelId;
        return;
      case 'live-digits:ask': {
        let reply: PrimaryMessage;
        try {
          reply = {
            type: 'live-digits:answer',
            id: message.id,
            body: message.what === 'metrics' ? await metrics.clusterMetrics() : report(),
          };
        } catch (error) {
          reply = { type: 'live-digits:answer', id: message.id, error: error instanceof Error ? error.message : String(error) };
        }
        if (entry.worker.isConnected()) entry.worker.send(reply);
      }
    }
  }

  cluster.on('exit', (worker, code, signal) => {
    const entry = roster.get(worker.id);
    roster.delete(worker.id);
    if (shuttingDown) return;
    restarts++;
    quickCrashes = entry && Date.now() - entry.startedAt < QUICK_CRASH_MS ? quickCrashes + 1 : 0;
    const delayMs = Math.min(30_000, quickCrashes * 1000);
    logger.error(
      `Worker ${worker.id} (pid ${worker.process.pid}) died (${signal ?? `exit code ${code}`}); its clients reconnect to the others; starting a replacement${delayMs ? ` in ${delayMs / 1000} s` : ''}`,
    );
    setTimeout(fork, delayMs);
  });

  // SIGHUP: one worker reloads the model folder; its swap is announced to the others (scale/model-swap.relay.ts),
  // which reload from their folder too: one load at a time rather than every worker reading at once.
  process.on('SIGHUP', () => {
    const oldest = [...roster.values()].filter((e) => e.state === 'serving').sort((a, b) => a.startedAt - b.startedAt)[0];
    if (!oldest) return logger.warn('SIGHUP: no worker is serving yet; each loads the model folder as it starts');
    logger.log(`SIGHUP: worker ${oldest.worker.id} reloads the model folder and announces a swap to the others`);
    oldest.worker.process.kill('SIGHUP');
  });

  const shutDown = async (signal: NodeJS.Signals): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`Shutting down on ${signal}: no new connections; ${roster.size} worker(s) finish their frames and close`);
    httpServer.close();
    const exited = [...roster.values()].map(
      ({ worker }) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))),
    );
    for (const { worker } of roster.values()) worker.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), config.shutdownGraceMs + 10_000)));
    if ((await Promise.race([Promise.all(exited), grace])) === 'late') {
      logger.warn('Some workers did not exit in time; ending them');
      for (const { worker } of roster.values()) worker.process.kill('SIGKILL');
    }
    clearTimeout(timer);
    // Ended by the signal, as a single process would be (Nest re-raises it too).
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutDown(signal));

  logger.log(`Starting ${config.clusterWorkers} workers (${config.preprocessWorkers} preprocessing thread(s) each)`);
  for (let i = 0; i < config.clusterWorkers; i++) fork();
  await serving;
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host =
    config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.log(`Serving on http://${host}:${port} (${config.clusterWorkers} workers, model folder ${config.modelDir})`);
}
