import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PayloadShapeGuard } from '../common/payload-shape';
import { SocketAdmission } from '../common/socket-admission';
import { FrameStreamService } from './frame-stream.service';
import { ModelService } from './model.service';
import { PredictController } from './predict.controller';
import { PreprocessService } from './preprocess.service';
import { RecognitionGateway } from './recognition.gateway';
import { RecognitionService } from './recognition.service';

@Module({
  controllers: [PredictController],
  providers: [
    RecognitionGateway,
    FrameStreamService,
    RecognitionService,
    PreprocessService,
    ModelService,
    SocketAdmission,
    // Every HTTP body's shape is checked before the global ValidationPipe reads it (POST /predict and /feedback).
    { provide: APP_GUARD, useClass: PayloadShapeGuard },
  ],
  exports: [PreprocessService, ModelService],
})
export class RecognitionModule {}
