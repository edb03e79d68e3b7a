import { Injectable, OnApplicationShutdown, BeforeApplicationShutdown, Optional, Inject } from '@nestjs/common';
import type { PresencePayload } from '@live-digits/shared';
import { RedisLink } from './redis-link';
import { RecognitionServer, SocketScaleOut } from './socket-scale-out';

/** The server-side event each process sends the others: how many sockets it holds. */
export const PRESENCE_GOSSIP = 'live-digits:presence';
export interface PresenceGossip {
  node: string;
  count: number;
}

/** Clients hear of a change at most this often; the count is also shared with other processes at most this often. */
export const PRESENCE_TICK_MS = 1000;
/** Every process repeats its count this often even when unchanged… */
export const PRESENCE_HEARTBEAT_MS = 5000;
/** …and one not heard from for this long (it crashed, or its link went down) is no longer counted. */
export const PRESENCE_EXPIRY_MS = 12_000;

/**
 * `presence { drawing }`: people connected across the whole deployment. Each process counts its own
 * sockets and tells the others through the adapter's server-side events (Redis pub/sub, or the
 * cluster primary's IPC) when its count changed — at most once a tick — and every few seconds
 * regardless; each process adds up what it heard and emits the total to its own clients only.
 * Messages per second grow with the number of processes (≤ 1.2 each), not with frames or sockets.
 * Without a link to the others (one process, or Redis away) the total is this process' own count.
 */
@Injectable()
export class PresenceService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private io: RecognitionServer | undefined;
  private readonly others = new Map<string, { count: number; heardAt: number }>();
  private sharedCount = -1;
  private sharedAt = 0;
  private sentTotal = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly scaleOut: SocketScaleOut,
    @Optional() @Inject(RedisLink) private readonly redis: RedisLink | null,
  ) {}

  attach(io: RecognitionServer, tickMs = PRESENCE_TICK_MS): void {
    this.io = io;
    io.on(PRESENCE_GOSSIP, (gossip: PresenceGossip) => this.heard(gossip));
    this.redis?.onChange((state) => {
      if (state !== 'up') this.others.clear(); // fall back to this process' own count at the next tick
      this.sharedCount = -1; // and tell the others again as soon as the link is back
    });
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  /** What a client is told: everyone this process knows of, itself included. */
  get current(): PresencePayload {
    let drawing = this.localCount;
    for (const { count } of this.others.values()) drawing += count;
    return { drawing };
  }

  /** Shares this process' count if it changed (or a heartbeat is due) and tells the clients if the total changed. */
  tick(now = Date.now()): void {
    if (!this.io) return;
    const local = this.localCount;
    if (this.scaleOut.crossesProcesses && (local !== this.sharedCount || now - this.sharedAt >= PRESENCE_HEARTBEAT_MS)) {
      this.io.serverSideEmit(PRESENCE_GOSSIP, { node: this.scaleOut.nodeId, count: local } satisfies PresenceGossip);
      this.sharedCount = local;
      this.sharedAt = now;
    }
    for (const [node, { heardAt }] of this.others) if (now - heardAt > PRESENCE_EXPIRY_MS) this.others.delete(node);
    const { drawing } = this.current;
    if (drawing !== this.sentTotal) {
      this.sentTotal = drawing;
      this.io.local.emit('presence', { drawing });
    }
  }

  /** Leaving: the others stop counting this process' people now rather than at expiry. */
  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    if (this.io && this.scaleOut.crossesProcesses) {
      this.io.serverSideEmit(PRESENCE_GOSSIP, { node: this.scaleOut.nodeId, count: 0 } satisfies PresenceGossip);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private get localCount(): number {
    return this.io?.of('/').sockets.size ?? 0;
  }

  private heard({ node, count }: PresenceGossip, now = Date.now()): void {
    if (typeof node !== 'string' || !Number.isInteger(count) || count < 0 || node === this.scaleOut.nodeId) return;
    if (count === 0) this.others.delete(node);
    else this.others.set(node, { count, heardAt: now });
  }
}
