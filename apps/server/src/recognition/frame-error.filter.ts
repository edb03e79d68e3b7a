import { ArgumentsHost, Catch } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { FrameErrorCode, FrameErrorPayload, ServerToClientEvents } from '@live-digits/shared';
import { ClientError, FRAME_ERRORS } from '../common/client-error';
import { SocketErrorFilter } from '../common/socket-error.filter';
import { MetricsService } from '../metrics/metrics.service';

/** A refused `frame` (rate limit, validation, a closing server) answered as `frame:error`. */
@Catch()
export class FrameErrorFilter extends SocketErrorFilter<FrameErrorCode> {
  constructor(metrics: MetricsService) {
    super(metrics, FRAME_ERRORS);
  }

  protected answer(error: ClientError<FrameErrorCode>, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    ws.getClient<Socket<never, ServerToClientEvents>>().emit('frame:error', frameErrorPayload(seqOf(ws.getData()), error));
  }
}

/** The one way a `frame:error` is built: only from an error whose code frames have. */
export function frameErrorPayload(seq: number | null, error: ClientError<FrameErrorCode>): FrameErrorPayload {
  return { seq, code: error.code, message: error.message };
}

/** The frame's seq when the payload carries a usable one (it may have failed validation), so the client can match the error. */
export function seqOf(data: unknown): number | null {
  const seq = typeof data === 'object' && data !== null ? (data as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}
