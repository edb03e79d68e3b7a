import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ClientModule } from './client/client.module';
import { ClientErrorFilter } from './common/client-error.filter';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app.config';
import { ConfigModule } from './config/config.module';
import { FeedbackModule } from './feedback/feedback.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RecognitionModule } from './recognition/recognition.module';
import { ScaleModule } from './scale/scale.module';

/** Built from a validated {@link AppConfig}, so tests boot the real app with their own settings. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        RateLimitModule,
        RecognitionModule,
        FeedbackModule,
        HealthModule,
        ClientModule.forRoot(config),
        ScaleModule,
      ],
      // HTTP only: gateways carry their own pipe and filter. The filter answers every HTTP error as { code, message }.
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ClientErrorFilter },
      ],
    };
  }
}
