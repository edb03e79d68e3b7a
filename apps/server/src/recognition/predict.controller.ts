import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error.dto';
import { RateLimit } from '../rate-limit/address-throttler.guard';
import { PREDICT_THROTTLER } from '../rate-limit/throttlers';
import { insightAsBase64 } from './insight/insight-encoding';
import { PredictQueryDto, PredictRequestDto, PredictResponse } from './predict.dto';
import { RecognitionService } from './recognition.service';

/** The HTTP twin of the `frame` event, in the Flask seed projects' format so their clients keep working. */
@ApiTags('recognition')
@Controller('predict')
@RateLimit(PREDICT_THROTTLER)
export class PredictController {
  constructor(private readonly recognition: RecognitionService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Recognise one image (the Flask seed projects’ format)' })
  @ApiBody({
    type: PredictRequestDto,
    schema: {
      type: 'object',
      required: ['image'],
      properties: {
        image: {
          type: 'string',
          description: 'A PNG, JPEG or WebP image as a data URL or bare base64',
          example: 'data:image/png;base64,iVBORw0KGgo…',
        },
      },
    },
  })
  @ApiOkResponse({
    description: 'Ten probabilities for the digits 0–9; an empty canvas gives `empty: true`, no digit and all zeros',
    schema: {
      type: 'object',
      required: ['digit', 'probabilities', 'confidence', 'empty'],
      properties: {
        digit: { type: 'integer', minimum: 0, maximum: 9, nullable: true },
        probabilities: { type: 'array', items: { type: 'number' }, minItems: 10, maxItems: 10 },
        confidence: { type: 'number', nullable: true },
        empty: { type: 'boolean' },
        insight: {
          type: 'object',
          description: 'Only with `?insight=1` and a digit drawn: DigitInsight (docs/socket-contract.md, "Insight"), every `data` base64',
        },
      },
    },
  })
  @ApiQuery({
    name: 'insight',
    required: false,
    enum: ['1', 'true'],
    description: 'Add `insight`: the input, saliency and layer activations (see docs/socket-contract.md), `data` as base64',
  })
  @ApiErrorResponses(400, 429, 503)
  async predict(@Body() body: PredictRequestDto, @Query() query: PredictQueryDto): Promise<PredictResponse> {
    const { digit, probabilities, confidence, empty, insight } = await this.recognition.recognize(body.image, {
      transport: 'http',
      ...(query.insight !== undefined && { insight: true }),
    });
    return { digit, probabilities, confidence, empty, ...(insight && { insight: insightAsBase64(insight) }) };
  }
}
