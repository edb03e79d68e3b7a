import { ArgumentsHost, Catch } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { FrameAck, FrameErrorCode, FrameErrorPayload, ServerToClientEvents } from '@live-digits/shared';
import { ClientError, FRAME_ERRORS } from '../common/client-error';
import { seqOf } from '../common/socket-admission';
import { SocketErrorFilter } from '../common/socket-error.filter';
import { MetricsService } from '../metrics/metrics.service';

/** A refused `frame` (validation, a stale seq, a closing server) answered as `frame:error`, and on its ack when it has one. */
@Catch()
export class FrameErrorFilter extends SocketErrorFilter<FrameErrorCode> {
  constructor(metrics: MetricsService) {
    super(metrics, FRAME_ERRORS);
  }

  protected answer(error: ClientError<FrameErrorCode>, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const payload = frameErrorPayload(seqOf(ws.getData()), error);
    ws.getClient<Socket<never, ServerToClientEvents>>().emit('frame:error', payload);
    // Nest hands a handler (client, data, ack): the ack is the third argument when the client sent one.
    const ack: unknown = host.getArgByIndex(2);
    if (typeof ack === 'function') (ack as (answer: FrameAck) => void)({ ok: false, error: payload });
  }
}

/** The one way a `frame:error` is built: only from an error whose code frames have. */
export function frameErrorPayload(seq: number | null, error: ClientError<FrameErrorCode>): FrameErrorPayload {
  return { seq, code: error.code, message: error.message };
}
