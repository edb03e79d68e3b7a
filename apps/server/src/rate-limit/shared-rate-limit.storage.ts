import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { RedisLink } from '../scale/redis-link';

/**
 * With REDIS_URL: hits are counted in Redis (@nest-lab/throttler-storage-redis, one Lua script per
 * hit on the node's publishing connection), so a client's limit holds across every node. While
 * Redis is away the node counts in its own memory instead — limits then hold per node — rather
 * than failing the request: `POST /predict` keeps answering.
 */
export class SharedRateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(SharedRateLimitStorage.name);
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();

  constructor(private readonly redis: RedisLink) {
    this.shared = new ThrottlerStorageRedisService(redis.publisher);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.redis.isUp) {
      try {
        return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      } catch (error) {
        this.logger.debug(`Counting ${key} in memory: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }
}

/** The storage behind RATE_LIMIT_STORAGE: shared through Redis when the node has it, else in memory. */
export function rateLimitStorage(redis: RedisLink | null | undefined): ThrottlerStorage {
  return redis ? new SharedRateLimitStorage(redis) : new ThrottlerStorageService();
}
