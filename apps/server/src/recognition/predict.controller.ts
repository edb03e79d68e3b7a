import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { PredictRequestDto, PredictResponse } from './predict.dto';
import { RecognitionService } from './recognition.service';

/** The HTTP twin of the `frame` event, in the Flask seed projects' format so their clients keep working. */
@Controller('predict')
export class PredictController {
  constructor(private readonly recognition: RecognitionService) {}

  @Post()
  @HttpCode(200)
  async predict(@Body() body: PredictRequestDto): Promise<PredictResponse> {
    const { digit, probabilities, confidence, empty } = await this.recognition.recognize(body.image, { transport: 'http' });
    return { digit, probabilities, confidence, empty };
  }
}
