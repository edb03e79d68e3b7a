/** Socket.IO clients for the scale tests, and reading what the servers say about themselves. */
import { io } from 'socket.io-client';
import { SOCKET_PATH } from '@live-digits/shared';
import type { HealthReport } from '../../../apps/server/src/health/health.controller';
import type { ScaleHealthReport } from '../../../apps/server/src/scale/scale-health';
import type { ClusterReport } from '../../../apps/server/src/scale/cluster-messages';
import { ClientSocket, connect, record, sleep, Transport, within } from '../../server/support/test-server';

export interface WatchedClient {
  socket: ClientSocket;
  /** Every `presence` it was sent, in order. */
  presence: Array<{ drawing: number }>;
  models: Array<{ modelId: string }>;
  disconnects: string[];
}

/** A client on one transport that records presence and model events from its first moment. */
export async function watchedClient(url: string, transport: Transport, { reconnect = false } = {}): Promise<WatchedClient> {
  let watched: WatchedClient | undefined;
  const watch = (socket: ClientSocket) => {
    watched = { socket, presence: record(socket, 'presence'), models: record(socket, 'model'), disconnects: [] };
    socket.on('disconnect', (reason) => watched!.disconnects.push(reason));
  };
  if (!reconnect) {
    await connect(url, transport, watch, 20_000);
    return watched!;
  }
  const socket: ClientSocket = io(url, {
    path: SOCKET_PATH,
    transports: [transport],
    upgrade: false,
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  });
  watch(socket);
  // socket.io-client gives an attempt that gets no answer 20 s, then tries again: on a machine
  // starved of CPU one attempt can hang, so the budget leaves room for a second one.
  try {
    await within(new Promise<void>((resolve) => socket.once('connect', () => resolve())), 45_000, `connecting over ${transport}`);
  } catch (error) {
    socket.disconnect(); // else it keeps reconnecting after the test, and Jest cannot exit
    throw error;
  }
  return watched!;
}

/** Polls `read` until `done` holds for its value. */
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, ms: number, what: string): Promise<T> {
  let last: T | Error | undefined;
  const deadline = Date.now() + ms;
  for (;;) {
    // A request may fail while processes come and go (it reached a worker as it was killed): ask again.
    last = await Promise.resolve()
      .then(read)
      .catch((error: Error) => error);
    if (!(last instanceof Error) && done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${ms} ms ${what}; last seen: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(100);
  }
}

export type FullHealth = HealthReport & ScaleHealthReport;

export async function health(url: string): Promise<FullHealth> {
  return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) })).json() as Promise<FullHealth>;
}

export function roster(report: FullHealth): ClusterReport {
  if (!report.cluster || 'error' in report.cluster) throw new Error(`no cluster roster in /health: ${JSON.stringify(report)}`);
  return report.cluster;
}

/** One unlabelled sample from Prometheus text (`name value`). */
export function metric(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}
