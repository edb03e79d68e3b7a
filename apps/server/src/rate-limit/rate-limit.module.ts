import { Global, Module } from '@nestjs/common';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { RedisLink } from '../scale/redis-link';
import { AddressThrottlerGuard } from './address-throttler.guard';
import { rateLimitStorage } from './shared-rate-limit.storage';
import { FEEDBACK_THROTTLER, PREDICT_THROTTLER } from './throttlers';

/**
 * Where the rate limits count hits: one injection token, so a deployment of several nodes can
 * provide storage they share (`@nest-lab/throttler-storage-redis` when REDIS_URL is set) without
 * touching the limits or the guard. In memory by default: the limits hold per process.
 */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

const MINUTE_MS = 60_000;

@Global()
@Module({
  // In Redis when the node has REDIS_URL (apps/server/src/scale), so a limit holds across nodes; else in memory.
  providers: [{ provide: RATE_LIMIT_STORAGE, useFactory: rateLimitStorage, inject: [{ token: RedisLink, optional: true }] }],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}

/**
 * `@nestjs/throttler` configured from {@link AppConfig}: a fixed window of a minute per client
 * address, blocked for the rest of it once over. {@link AddressThrottlerGuard} applies it to the
 * routes and events that opt in (`@RateLimit(...)`).
 */
@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfig, storage: ThrottlerStorage) => ({
        throttlers: [
          { name: PREDICT_THROTTLER, ttl: MINUTE_MS, limit: config.predictPerMinute },
          { name: FEEDBACK_THROTTLER, ttl: MINUTE_MS, limit: config.feedbackPerMinute },
        ],
        storage,
      }),
    }),
  ],
  providers: [AddressThrottlerGuard],
  exports: [AddressThrottlerGuard],
})
export class RateLimitModule {}
