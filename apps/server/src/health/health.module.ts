import { Module } from '@nestjs/common';
import { RecognitionModule } from '../recognition/recognition.module';
import { HealthController } from './health.controller';

@Module({ imports: [RecognitionModule], controllers: [HealthController] })
export class HealthModule {}
