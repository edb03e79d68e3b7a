import { UseFilters, UsePipes } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { FeedbackAck } from '@live-digits/shared';
import { createValidationPipe } from '../common/validation';
import { RateLimit } from '../rate-limit/address-throttler.guard';
import { FEEDBACK_THROTTLER } from '../rate-limit/throttlers';
import { FeedbackErrorFilter } from './feedback-error.filter';
import { FeedbackDto } from './feedback.dto';
import { FeedbackService } from './feedback.service';

/**
 * `feedback` with an ack: `{ ok: true, id }`, or (from the filter) `{ ok: false, code, message }`.
 * Limited per client address, in the same budget as `POST /feedback`, whatever the number of connections.
 */
@WebSocketGateway()
@UsePipes(createValidationPipe())
@UseFilters(FeedbackErrorFilter)
export class FeedbackGateway {
  constructor(private readonly feedback: FeedbackService) {}

  @SubscribeMessage('feedback')
  @RateLimit(FEEDBACK_THROTTLER)
  async onFeedback(@MessageBody() body: FeedbackDto): Promise<FeedbackAck> {
    return { ok: true, id: await this.feedback.store(body) };
  }
}
