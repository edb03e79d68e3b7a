import { Module } from '@nestjs/common';
import { RecognitionModule } from '../recognition/recognition.module';
import { FeedbackController } from './feedback.controller';
import { FeedbackGateway } from './feedback.gateway';
import { FeedbackRateGuard } from './feedback-rate.guard';
import { FeedbackService } from './feedback.service';

@Module({
  imports: [RecognitionModule],
  controllers: [FeedbackController],
  providers: [FeedbackGateway, FeedbackService, FeedbackRateGuard],
})
export class FeedbackModule {}
