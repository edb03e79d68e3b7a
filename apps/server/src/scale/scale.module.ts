import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { RecognitionModule } from '../recognition/recognition.module';
import { ClusterLink } from './cluster-worker';
import { ModelSwapRelay } from './model-swap.relay';
import { PresenceService } from './presence.service';
import { RedisLink } from './redis-link';
import { ScaleGateway } from './scale.gateway';
import { ScaleHealth } from './scale-health';
import { SocketScaleOut } from './socket-scale-out';

/**
 * Everything that crosses processes and nodes — the Socket.IO adapter, presence, model-swap
 * announcements, the cluster worker's link to its primary, the Redis connection — and nothing a
 * frame passes through. Global so /health, /metrics and the rate limiter can ask it.
 */
@Global()
@Module({
  imports: [RecognitionModule],
  providers: [
    {
      provide: RedisLink,
      useFactory: (config: AppConfig) => (config.redisUrl ? new RedisLink(config.redisUrl) : null),
      inject: [APP_CONFIG],
    },
    SocketScaleOut,
    PresenceService,
    ModelSwapRelay,
    ClusterLink,
    ScaleHealth,
    ScaleGateway,
  ],
  exports: [RedisLink, ClusterLink, ScaleHealth, SocketScaleOut],
})
export class ScaleModule {}
