import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { FEEDBACK_ERROR_CODES, FeedbackAck, FeedbackErrorCode, FrameErrorPayload, ServerToClientEvents } from '@live-digits/shared';
import { MetricsService } from '../metrics/metrics.service';
import { asClientError } from './client-error';

/**
 * Every failure of a socket handler ends here and becomes an answer: `frame:error` for frames,
 * a failed ack for feedback. Nothing a client sends can throw past this into the server.
 */
@Catch()
export class SocketErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('SocketErrors');

  constructor(private readonly metrics: MetricsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<Socket<never, ServerToClientEvents>>();
    const event = ws.getPattern();
    const error = asClientError(exception, this.logger, `handling '${event}' from socket ${socket.id}`);
    this.metrics.errors.inc({ code: error.code });

    if (event === 'feedback') {
      const ack: unknown = host.getArgByIndex(2);
      const code = (FEEDBACK_ERROR_CODES as readonly string[]).includes(error.code) ? (error.code as FeedbackErrorCode) : 'STORAGE_FAILED';
      const answer: FeedbackAck = { ok: false, code, message: error.message };
      if (typeof ack === 'function') ack(answer);
      return;
    }
    const payload: FrameErrorPayload = { seq: seqOf(ws.getData()), code: error.code as FrameErrorPayload['code'], message: error.message };
    socket.emit('frame:error', payload);
  }
}

/** The frame's seq when the payload carries a usable one, so the client can match the error. */
export function seqOf(data: unknown): number | null {
  const seq = typeof data === 'object' && data !== null ? (data as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}
