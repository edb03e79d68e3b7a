import { CanActivate, ExecutionContext } from '@nestjs/common';
import { ClientError } from './client-error';
import { TokenBucket } from './token-bucket';

/**
 * Per-socket rate limit for one event, checked before validation so a flood costs almost nothing.
 * Buckets live in a WeakMap keyed by the socket, so they go when the socket does.
 */
export abstract class SocketRateGuard implements CanActivate {
  private readonly buckets = new WeakMap<object, TokenBucket>();

  protected abstract readonly ratePerSecond: number;
  protected abstract readonly burst: number;
  protected abstract readonly refusal: string;

  canActivate(context: ExecutionContext): boolean {
    const socket = context.switchToWs().getClient<object>();
    let bucket = this.buckets.get(socket);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst);
      this.buckets.set(socket, bucket);
    }
    if (!bucket.tryTake()) throw new ClientError('RATE_LIMITED', this.refusal);
    return true;
  }
}
