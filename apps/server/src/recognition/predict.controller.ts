import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error.dto';
import { RateLimit } from '../rate-limit/address-throttler.guard';
import { PREDICT_THROTTLER } from '../rate-limit/throttlers';
import { insightAsBase64 } from './insight/insight-encoding';
import { PredictQueryDto, PredictRequestDto, PredictResponse, PredictResponseDto } from './predict.dto';
import { RecognitionService } from './recognition.service';

/** The HTTP twin of the `frame` event, in the Flask seed projects' format so their clients keep working. */
@ApiTags('recognition')
@Controller('predict')
@RateLimit(PREDICT_THROTTLER)
export class PredictController {
  constructor(private readonly recognition: RecognitionService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Read the digits on one image (the Flask seed projects’ format, with every digit in `number`)' })
  @ApiBody({ type: PredictRequestDto })
  @ApiOkResponse({
    type: PredictResponseDto,
    description:
      'Every digit on the image, left to right, in `number`; `digit`, `confidence` and `probabilities` describe the first one. ' +
      'An empty canvas gives `empty: true`, no digit, all zeros and `number: null`',
  })
  @ApiQuery({
    name: 'insight',
    required: false,
    enum: ['1', 'true'],
    description: 'Add `insight` to every digit (and the first at the top level): input, saliency and layer activations, `data` as base64',
  })
  @ApiErrorResponses(400, 422, 429, 503)
  async predict(@Body() body: PredictRequestDto, @Query() query: PredictQueryDto): Promise<PredictResponse> {
    const { digit, probabilities, confidence, empty, number, insight } = await this.recognition.recognize(body.image, {
      transport: 'http',
      ...(query.insight !== undefined && { insight: true }),
    });
    return {
      digit,
      probabilities,
      confidence,
      empty,
      number: number && {
        text: number.text,
        digits: number.digits.map((reading) => ({ ...reading, insight: reading.insight && insightAsBase64(reading.insight) })),
      },
      ...(insight && { insight: insightAsBase64(insight) }),
    };
  }
}
