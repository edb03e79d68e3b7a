/**
 * What a cluster's primary and its workers tell each other over Node's IPC channel, besides what
 * @socket.io/sticky (connections), @socket.io/cluster-adapter (broadcasts, server-side events) and
 * prom-client (metrics) send on the same channel under their own types.
 */
import cluster from 'node:cluster';
import type { AppConfig } from '../config/app.config';

export interface WorkerReport {
  /** The cluster's worker id (1, 2, …; a replacement gets the next one). */
  id: number;
  pid: number;
  state: 'starting' | 'serving';
  modelId: string | null;
  uptimeS: number;
}

export interface ClusterReport {
  primaryPid: number;
  /** Workers started to replace ones that died. */
  restarts: number;
  workers: WorkerReport[];
}

export type WorkerMessage =
  | { type: 'live-digits:serving'; modelId: string | null }
  | { type: 'live-digits:model'; modelId: string }
  | { type: 'live-digits:ask'; id: number; what: 'metrics' | 'cluster' };

export type PrimaryMessage = { type: 'live-digits:answer'; id: number; body?: string | ClusterReport; error?: string };

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return typeof message === 'object' && message !== null && String((message as { type?: unknown }).type).startsWith('live-digits:');
}

export type ClusterRole = 'single' | 'primary' | 'worker';

/** `single` unless CLUSTER_WORKERS is set; then this process is the primary or one of its workers. */
export function clusterRole(config: Pick<AppConfig, 'clusterWorkers'>): ClusterRole {
  if (config.clusterWorkers === 0) return 'single';
  return cluster.isPrimary ? 'primary' : 'worker';
}
