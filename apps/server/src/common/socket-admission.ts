/**
 * What every incoming socket message passes before Nest's pipeline sees it (a Socket.IO
 * middleware, run per packet): the frame rate limit, then the payload's shape. Both are O(1) or
 * bounded, and a refusal here builds no exception, runs no guard, pipe or filter: a flood costs the
 * server almost nothing, and a connection that keeps flooding is disconnected.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { FeedbackAck, FrameAck, FrameErrorPayload } from '@live-digits/shared';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { clientAddress } from '../rate-limit/address-throttler.guard';
import { MetricsService } from '../metrics/metrics.service';
import { payloadShapeProblem } from './payload-shape';
import { TokenBucket } from './token-bucket';

/**
 * A connection refused this many seconds' worth of frames beyond the rate (RATE_LIMIT_FPS × this)
 * is flooding, not drawing fast: it is told so and disconnected. A page at twice the rate is
 * refused half its frames for ever and never disconnected; a script at 12,000 frames/s goes after
 * a few milliseconds.
 */
export const FLOOD_SECONDS = 3;
/**
 * …but never fewer refusals than this: at a low configured rate a person drawing quickly (a page
 * sends up to ~20 frames/s while the pen moves) must get RATE_LIMITED, not a disconnect.
 */
export const MIN_FLOOD_REFUSALS = 60;

/**
 * A flooder disconnected reconnects at once (a script in a loop: tens of connections a second, each
 * with a fresh second's burst of frames that are decoded and run): its address may not open new
 * connections for FLOOD_COOLDOWN_SECONDS, refused at the handshake, before any of that work.
 * Connections already open from that address (other tabs, people behind the same NAT) go on.
 */
class FloodCooldowns {
  /** Address → when (on the caller's clock, ms) it may connect again. */
  private readonly until = new Map<string, number>();

  constructor(private readonly cooldownMs: number) {}

  start(address: string, now: number): void {
    if (this.cooldownMs <= 0) return;
    for (const [other, end] of this.until) if (end <= now) this.until.delete(other);
    this.until.set(address, now + this.cooldownMs);
  }

  /** Milliseconds before `address` may connect again; 0 when it may now. */
  left(address: string, now: number): number {
    const end = this.until.get(address);
    if (end === undefined) return 0;
    if (end > now) return end - now;
    this.until.delete(address);
    return 0;
  }
}

/** How many refusals beyond the rate a connection may collect before it counts as flooding. */
export function floodAllowance(rate: number): number {
  return Math.max(FLOOD_SECONDS * rate, MIN_FLOOD_REFUSALS);
}

@Injectable()
export class SocketAdmission {
  private readonly logger = new Logger(SocketAdmission.name);
  private readonly cooldowns: FloodCooldowns;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.cooldowns = new FloodCooldowns(config.floodCooldownSeconds * 1000);
  }

  /**
   * Milliseconds before a client at `address` may connect again after one of its connections was
   * disconnected for flooding (0: it may now); Engine.IO asks on every handshake. Counted per process.
   */
  cooldownLeft(address: string, now = performance.now()): number {
    return this.cooldowns.left(address, now);
  }

  /** Installs the checks on a new connection; `now` is the clock of its rate buckets (tests inject one). */
  attach(socket: Socket, now: () => number = () => performance.now()): void {
    const rate = this.config.rateLimitFps;
    const frames = new TokenBucket(rate, rate, now);
    // Refusals drain this one; it refills at the rate, so only a sustained excess empties it.
    const refusals = new TokenBucket(rate, floodAllowance(rate), now);
    socket.use((packet, next) => {
      const [event, payload] = packet;
      const last: unknown = packet[packet.length - 1];
      const ack = packet.length > 1 && typeof last === 'function' ? (last as (answer: unknown) => void) : undefined;
      if (event === 'frame' && !frames.tryTake()) {
        if (refusals.tryTake()) {
          this.refuse(
            socket,
            event,
            payload,
            ack,
            'RATE_LIMITED',
            `Too many frames: this connection may send ${rate} frames per second; this one was dropped.`,
          );
        } else {
          this.disconnectFlooder(socket, payload, ack, now());
        }
        return;
      }
      const problem = payloadShapeProblem(payload === ack ? undefined : payload);
      if (problem) {
        this.refuse(socket, String(event), payload, ack, 'INVALID_PAYLOAD', `The message is refused unread: ${problem}.`);
        return;
      }
      next();
    });
  }

  private disconnectFlooder(socket: Socket, payload: unknown, ack: ((answer: unknown) => void) | undefined, now: number): void {
    if (!socket.connected) return;
    const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], this.config.trustProxyHops);
    const cooldown = this.config.floodCooldownSeconds;
    this.logger.warn(
      `Disconnecting socket ${socket.id}: it kept sending frames far above ${this.config.rateLimitFps} per second` +
        (cooldown > 0 ? `; new connections from ${address} are refused for ${cooldown} s` : ''),
    );
    this.refuse(
      socket,
      'frame',
      payload,
      ack,
      'RATE_LIMITED',
      `This connection kept sending frames far above the ${this.config.rateLimitFps} per second allowed and is being disconnected; ` +
        (cooldown > 0 ? `new connections from this address are refused for ${cooldown} s.` : 'slow down before reconnecting.'),
    );
    this.cooldowns.start(address, now);
    socket.disconnect(true);
  }

  /** Answers in the event's own shape: `frame:error` (and the frame's ack), or a failed feedback ack. */
  private refuse(
    socket: Socket,
    event: string,
    payload: unknown,
    ack: ((answer: unknown) => void) | undefined,
    code: 'RATE_LIMITED' | 'INVALID_PAYLOAD',
    message: string,
  ): void {
    this.metrics.errors.inc({ code });
    if (event === 'frame') {
      const error: FrameErrorPayload = { seq: seqOf(payload), code, message };
      socket.emit('frame:error', error);
      ack?.({ ok: false, error } satisfies FrameAck);
    } else if (event === 'feedback') {
      ack?.({ ok: false, code, message } satisfies FeedbackAck);
    }
  }
}

/** The frame's seq when the payload carries a usable one, so the client can match the error. */
export function seqOf(data: unknown): number | null {
  const seq = typeof data === 'object' && data !== null ? (data as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}
