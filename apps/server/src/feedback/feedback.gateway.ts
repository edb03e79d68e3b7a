import { UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { FeedbackAck } from '@live-digits/shared';
import { createValidationPipe } from '../common/validation';
import { FeedbackErrorFilter } from './feedback-error.filter';
import { FeedbackRateGuard } from './feedback-rate.guard';
import { FeedbackDto } from './feedback.dto';
import { FeedbackService } from './feedback.service';

/** `feedback` with an ack: `{ ok: true, id }`, or (from the filter) `{ ok: false, code, message }`. */
@WebSocketGateway()
@UsePipes(createValidationPipe())
@UseFilters(FeedbackErrorFilter)
export class FeedbackGateway {
  constructor(private readonly feedback: FeedbackService) {}

  @SubscribeMessage('feedback')
  @UseGuards(FeedbackRateGuard)
  async onFeedback(@MessageBody() body: FeedbackDto): Promise<FeedbackAck> {
    return { ok: true, id: await this.feedback.store(body) };
  }
}
