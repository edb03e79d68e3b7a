import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@live-digits/shared';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { clusterRole } from './cluster-messages';
import { RedisLink } from './redis-link';

export type RecognitionServer = Server<ClientToServerEvents, ServerToClientEvents>;
export type SocketAdapterName = 'redis' | 'cluster' | 'in-memory';

/**
 * Which Socket.IO adapter carries broadcasts and server-side events beyond this process:
 *
 * - `REDIS_URL` set: @socket.io/redis-adapter (classic pub/sub), in every process of every node, a
 *   cluster's workers included. Not the Redis Streams adapter: its one gain is connection-state
 *   recovery across a node restart, and nothing here needs replaying — a client that reconnects
 *   sends its drawing again as a `final` frame and is told the model and presence on connection.
 * - a cluster worker without Redis: @socket.io/cluster-adapter, over the primary's IPC.
 * - otherwise Socket.IO's in-memory adapter: one process, nothing crosses.
 *
 * Predictions go straight back on the socket that sent the frame and never through the adapter.
 */
@Injectable()
export class SocketScaleOut implements OnApplicationShutdown {
  /** Names this process in server-side events (unique across containers, whose pids repeat). */
  readonly nodeId = `${hostname()}/${process.pid}/${randomBytes(2).toString('hex')}`;
  readonly adapterName: SocketAdapterName;
  private io: RecognitionServer | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(RedisLink) private readonly redis: RedisLink | null,
  ) {
    this.adapterName = redis ? 'redis' : clusterRole(config) === 'worker' ? 'cluster' : 'in-memory';
  }

  /** Called once the Socket.IO server exists, before anyone connects. */
  attach(io: RecognitionServer): void {
    this.io = io;
    if (this.adapterName === 'redis' && this.redis) {
      io.adapter(createRedisAdapter(this.redis.publisher, this.redis.subscriber, { key: 'live-digits' }));
    } else if (this.adapterName === 'cluster') {
      io.adapter(createClusterAdapter());
    }
  }

  get server(): RecognitionServer {
    if (!this.io) throw new Error('The Socket.IO server is not created yet');
    return this.io;
  }

  /** Whether a server-side event can reach other processes now. */
  get crossesProcesses(): boolean {
    return this.adapterName === 'cluster' || (this.adapterName === 'redis' && this.redis?.isUp === true);
  }

  onApplicationShutdown(): void {
    this.redis?.close(); // after Nest closed the Socket.IO server and with it the adapter
  }
}
