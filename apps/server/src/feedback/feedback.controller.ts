import { Body, Controller, Post } from '@nestjs/common';
import type { FeedbackAck } from '@live-digits/shared';
import { FeedbackDto } from './feedback.dto';
import { FeedbackService } from './feedback.service';

/** `POST /feedback`: the socket event for HTTP clients; 201 `{ ok: true, id }`, bad input 400 `{ code, message }`. */
@Controller('feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  async create(@Body() body: FeedbackDto): Promise<FeedbackAck> {
    return { ok: true, id: await this.feedback.store(body) };
  }
}
