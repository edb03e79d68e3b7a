import { ArgumentsHost, Catch } from '@nestjs/common';
import type { FeedbackAck, FeedbackErrorCode } from '@live-digits/shared';
import { ClientError, FEEDBACK_ERRORS } from '../common/client-error';
import { SocketErrorFilter } from '../common/socket-error.filter';
import { MetricsService } from '../metrics/metrics.service';

/** A refused `feedback` answered through its ack as `{ ok: false, code, message }`. */
@Catch()
export class FeedbackErrorFilter extends SocketErrorFilter<FeedbackErrorCode> {
  constructor(metrics: MetricsService) {
    super(metrics, FEEDBACK_ERRORS);
  }

  protected answer(error: ClientError<FeedbackErrorCode>, host: ArgumentsHost): void {
    // Socket.IO hands the handler (socket, payload, ack).
    const ack: unknown = host.getArgByIndex(2);
    if (typeof ack === 'function') ack({ ok: false, code: error.code, message: error.message } satisfies FeedbackAck);
  }
}
