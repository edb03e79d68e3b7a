import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FrameAck, FrameErrorPayload, FramePayload, PredictionPayload } from '@live-digits/shared';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ClientError, clientErrorFor, FRAME_ERRORS } from '../common/client-error';
import { MetricsService } from '../metrics/metrics.service';
import { frameErrorPayload } from './frame-error.filter';
import { FrameDebouncer } from './frame.debouncer';
import { RecognitionService } from './recognition.service';

/** Where one socket's answers go (the gateway emits them). */
export interface FrameSink {
  prediction(payload: PredictionPayload): void;
  error(payload: FrameErrorPayload): void;
}

interface QueuedFrame extends FramePayload {
  receivedAt: number;
  /** The client's acknowledgement callback, answered as well as the events when the frame came with one. */
  ack?: (answer: FrameAck) => void;
}

interface Session {
  debouncer: FrameDebouncer<QueuedFrame>;
  sink: FrameSink;
}

/**
 * The socket side of recognition: one debouncer per connected socket, each frame that survives
 * the debounce run through {@link RecognitionService}, its answer or error sent to the socket's sink.
 * On shutdown it stops taking frames and finishes the ones it has.
 */
@Injectable()
export class FrameStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FrameStreamService.name);
  private readonly sessions = new Map<string, Session>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recognition: RecognitionService,
    private readonly metrics: MetricsService,
    private readonly httpAdapterHost: HttpAdapterHost,
  ) {}

  open(socketId: string, sink: FrameSink): void {
    const debouncer = new FrameDebouncer<QueuedFrame>(
      { debounceMs: this.config.debounceMs, maxWaitMs: this.config.maxWaitMs },
      {
        process: (frame) => this.process(frame, sink, socketId),
        superseded: (frame) => {
          this.metrics.framesSuperseded.inc();
          frame.ack?.({ ok: false, superseded: true, seq: frame.seq });
        },
      },
    );
    this.sessions.set(socketId, { debouncer, sink });
  }

  /** Queues a validated frame; throws a {@link ClientError} when it cannot be taken. */
  receive(socketId: string, frame: FramePayload, receivedAt = performance.now(), ack?: (answer: FrameAck) => void): void {
    if (this.closing) throw new ClientError('MODEL_UNAVAILABLE', 'The server is shutting down; reconnect in a moment.');
    const session = this.sessions.get(socketId);
    if (!session) throw new ClientError('INVALID_PAYLOAD', 'This connection is closing; reconnect to send frames.');
    const result = session.debouncer.push({ ...frame, receivedAt, ack });
    if (result === 'stale') {
      throw new ClientError(
        'INVALID_PAYLOAD',
        `Frame seq ${frame.seq} is not higher than a seq this connection already sent; seq must increase.`,
      );
    }
    this.metrics.framesReceived.inc();
  }

  close(socketId: string): void {
    this.sessions.get(socketId)?.debouncer.close();
    this.sessions.delete(socketId);
  }

  /** SIGTERM: stop listening for new connections, refuse new frames, answer the queued ones, then let Nest close the sockets. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.closing = true;
    this.httpAdapterHost.httpAdapter?.getHttpServer()?.close();
    const busy = [...this.sessions.values()].filter((session) => !session.debouncer.isIdle);
    this.logger.log(
      `Shutting down${signal ? ` on ${signal}` : ''}: ${this.sessions.size} socket(s) open, finishing the frames of ${busy.length}`,
    );
    if (!busy.length) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.config.shutdownGraceMs)));
    await Promise.race([Promise.all(busy.map((session) => session.debouncer.drain())), grace]);
    clearTimeout(timer);
  }

  private async process(frame: QueuedFrame, sink: FrameSink, socketId: string): Promise<void> {
    try {
      const recognition = await this.recognition.recognize(frame.image, {
        receivedAt: frame.receivedAt,
        preview: frame.preview === true,
        insight: frame.insight,
        transport: 'socket',
      });
      const prediction: PredictionPayload = { seq: frame.seq, ...recognition };
      sink.prediction(prediction);
      frame.ack?.({ ok: true, prediction });
    } catch (failure) {
      const error = clientErrorFor(failure, FRAME_ERRORS, this.logger, `recognising frame ${frame.seq} of socket ${socketId}`);
      this.metrics.errors.inc({ code: error.code });
      const payload = frameErrorPayload(frame.seq, error);
      sink.error(payload);
      frame.ack?.({ ok: false, error: payload });
    }
  }
}
