import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error.dto';
import { RateLimit } from '../rate-limit/address-throttler.guard';
import { PREDICT_THROTTLER } from '../rate-limit/throttlers';
import { PredictRequestDto, PredictResponse, PredictResponseDto } from './predict.dto';
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
  @ApiErrorResponses(400, 422, 429, 503)
  async predict(@Body() body: PredictRequestDto): Promise<PredictResponse> {
    const { digit, probabilities, confidence, empty, number } = await this.recognition.recognize(body.image, { transport: 'http' });
    return { digit, probabilities, confidence, empty, number };
  }
}
