import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RecognitionModule } from '../recognition/recognition.module';
import { FeedbackController } from './feedback.controller';
import { FeedbackGateway } from './feedback.gateway';
import { FeedbackService } from './feedback.service';

@Module({
  imports: [RecognitionModule, RateLimitModule],
  controllers: [FeedbackController],
  providers: [FeedbackGateway, FeedbackService],
})
export class FeedbackModule {}
