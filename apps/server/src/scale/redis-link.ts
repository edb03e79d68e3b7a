import { Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';

/**
 * An ioredis client whose failed commands never become unhandled rejections. Socket.IO's Redis
 * adapter (and the throttler's storage) send commands without awaiting them; while Redis is away
 * those commands fail, and Node would end the process over an unhandled rejection. Callers that
 * await a command still get its error.
 */
class TolerantRedis extends Redis {
  override sendCommand(...args: Parameters<Redis['sendCommand']>): ReturnType<Redis['sendCommand']> {
    const reply = super.sendCommand(...args);
    (reply as Promise<unknown>).catch(() => undefined);
    return reply;
  }
}

export type RedisState = 'connecting' | 'up' | 'down';

/**
 * The node's two connections to Redis: one publishes (and runs commands), one stays subscribed
 * (Socket.IO's Redis adapter needs both). A frame never goes through either.
 *
 * While Redis is away the publisher refuses commands at once rather than queueing them (a
 * presence count or swap announcement from a minute ago is worth nothing), the subscriber waits
 * and re-subscribes when Redis returns; ioredis reconnects every ≤ 2 s. The loss and the return are
 * logged once each, however many reconnection attempts fail in between.
 */
export class RedisLink {
  readonly publisher: Redis;
  readonly subscriber: Redis;
  private readonly logger = new Logger(RedisLink.name);
  private current: RedisState = 'connecting';
  private readonly listeners = new Set<(state: RedisState) => void>();
  private lastError = '';

  constructor(readonly url: string) {
    const common: RedisOptions = { connectionName: 'live-digits', retryStrategy: (attempt) => Math.min(attempt * 100, 2000) };
    this.publisher = new TolerantRedis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.subscriber = new TolerantRedis(url, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('ready', () => this.update(false));
      client.on('close', () => this.update(true));
      client.on('error', (error: Error) => (this.lastError = error.message));
    }
  }

  get state(): RedisState {
    return this.current;
  }

  get isUp(): boolean {
    return this.current === 'up';
  }

  /** `where` for log lines: the address without credentials. */
  get where(): string {
    const url = new URL(this.url);
    return `${url.hostname}:${url.port || 6379}`;
  }

  onChange(listener: (state: RedisState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  /** `closed`: a connection closed or an attempt failed (ioredis says `close` after each). */
  private update(closed: boolean): void {
    const up = this.publisher.status === 'ready' && this.subscriber.status === 'ready';
    const next: RedisState = up ? 'up' : closed ? 'down' : this.current;
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    if (next === 'up') {
      this.logger.log(previous === 'connecting' ? `Connected to Redis at ${this.where}` : `Redis at ${this.where} is back`);
    } else {
      const what = previous === 'connecting' ? 'Cannot reach' : 'Lost';
      this.logger.warn(
        `${what} Redis at ${this.where}${this.lastError ? ` (${this.lastError})` : ''}: still predicting; presence counts this process only and model swaps are not announced until it answers (reconnecting)`,
      );
    }
    for (const listener of this.listeners) listener(next);
  }
}
