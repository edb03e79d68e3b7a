import { applyDecorators, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Socket } from 'socket.io';
import { ClientError } from '../common/client-error';
import { FEEDBACK_THROTTLER, THROTTLER_NAMES, ThrottlerName } from './throttlers';

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function clientAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/**
 * `@nestjs/throttler`'s guard, keyed by the client's address and the limit's name only, so a
 * limit counts the same client across connections, routes and transports: feedback sent over a
 * socket and `POST /feedback` share one budget. Over the limit → `RATE_LIMITED` (HTTP 429 with a
 * Retry-After header, or the event's error answer).
 */
@Injectable()
export class AddressThrottlerGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    if (context.getType() !== 'ws') return super.getRequestResponse(context);
    const { handshake } = context.switchToWs().getClient<Socket>();
    return { req: { ip: handshake.address, headers: handshake.headers }, res: {} };
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(clientAddress(request.ip as string | undefined));
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const what = detail.key.startsWith(`${FEEDBACK_THROTTLER}:`) ? 'feedback drawings' : 'predictions';
    throw new ClientError(
      'RATE_LIMITED',
      `Too many ${what} from your address: at most ${detail.limit} a minute; try again in ${Math.max(1, Math.ceil(detail.timeToBlockExpire))} s.`,
    );
  }
}

/** Applies one named limit (and no other) to a controller, route, gateway or event handler. */
export function RateLimit(name: ThrottlerName): MethodDecorator & ClassDecorator {
  const others = Object.fromEntries(THROTTLER_NAMES.filter((other) => other !== name).map((other) => [other, true]));
  return applyDecorators(SkipThrottle(others), UseGuards(AddressThrottlerGuard));
}
