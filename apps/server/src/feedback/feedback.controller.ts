import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FeedbackAck } from '@live-digits/shared';
import { ApiErrorResponses } from '../common/api-error.dto';
import { RateLimit } from '../rate-limit/address-throttler.guard';
import { FEEDBACK_THROTTLER } from '../rate-limit/throttlers';
import { FeedbackCreatedDto, FeedbackDto } from './feedback.dto';
import { FeedbackService } from './feedback.service';

/** `POST /feedback`: the socket event for HTTP clients; 201 `{ ok: true, id }`, refusals `{ code, message }`. */
@ApiTags('feedback')
@Controller('feedback')
@RateLimit(FEEDBACK_THROTTLER)
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @ApiOperation({ summary: 'Store a labelled drawing for training (`train --feedback`)' })
  @ApiCreatedResponse({ type: FeedbackCreatedDto })
  @ApiErrorResponses(400, 429, 500, 507)
  async create(@Body() body: FeedbackDto): Promise<FeedbackAck> {
    return { ok: true, id: await this.feedback.store(body) };
  }
}
