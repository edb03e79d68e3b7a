import { applyDecorators, ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Socket } from 'socket.io';
import { ClientError } from '../common/client-error';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { FEEDBACK_THROTTLER, THROTTLER_NAMES, ThrottlerName } from './throttlers';

/**
 * The client's address: the connection's peer, or — behind `trustedHops` reverse proxies, each of
 * which appends the address it received from to X-Forwarded-For — the entry that many hops back,
 * so a client cannot pick its own by sending the header. `::ffff:127.0.0.1` and `127.0.0.1` are one client.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',');
  const chain = [...forwarded.map((entry) => entry.trim()).filter(Boolean), peer ?? ''];
  const address = chain[Math.max(0, chain.length - 1 - trustedHops)] || 'unknown';
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
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    if (context.getType() !== 'ws') return super.getRequestResponse(context);
    const { handshake } = context.switchToWs().getClient<Socket>();
    return { req: { socket: { remoteAddress: handshake.address }, headers: handshake.headers }, res: {} };
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { socket, headers } = request as { socket?: { remoteAddress?: string }; headers?: Record<string, string | string[] | undefined> };
    return Promise.resolve(clientAddress(socket?.remoteAddress, headers?.['x-forwarded-for'], this.config.trustProxyHops));
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
