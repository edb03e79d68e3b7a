import { Module } from '@nestjs/common';
import { FrameRateGuard } from './frame-rate.guard';
import { FrameStreamService } from './frame-stream.service';
import { ModelService } from './model.service';
import { PredictController } from './predict.controller';
import { PreprocessService } from './preprocess.service';
import { RecognitionGateway } from './recognition.gateway';
import { RecognitionService } from './recognition.service';

@Module({
  controllers: [PredictController],
  providers: [RecognitionGateway, FrameStreamService, RecognitionService, PreprocessService, ModelService, FrameRateGuard],
  exports: [PreprocessService, ModelService],
})
export class RecognitionModule {}
