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

/** How many refusals beyond the rate a connection may collect before it counts as flooding. */
export function floodAllowance(rate: number): number {
  return Math.max(FLOOD_SECONDS * rate, MIN_FLOOD_REFUSALS);
}

@Injectable()
export class SocketAdmission {
  private readonly logger = new Logger(SocketAdmission.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

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
          this.disconnectFlooder(socket, payload, ack);
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

  private disconnectFlooder(socket: Socket, payload: unknown, ack: ((answer: unknown) => void) | undefined): void {
    if (!socket.connected) return;
    this.logger.warn(`Disconnecting socket ${socket.id}: it kept sending frames far above ${this.config.rateLimitFps} per second`);
    this.refuse(
      socket,
      'frame',
      payload,
      ack,
      'RATE_LIMITED',
      `This connection kept sending frames far above the ${this.config.rateLimitFps} per second allowed and is being disconnected; slow down before reconnecting.`,
    );
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
