/**
 * A cheap look at a message's shape before anything else reads it. class-transformer (inside the
 * ValidationPipe) de-duplicates keys with `indexOf`, quadratic in their number: 200,000 extra keys
 * froze the whole server for a minute; and it recurses, so 10,000 levels of nesting overflow the
 * stack. Our payloads have a handful of fields, one level deep (binary images are leaves), so a
 * linear walk that stops at the first excess refuses such messages in well under a millisecond.
 */
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ClientError } from './client-error';

export interface PayloadShapeLimits {
  /** Fields counted over the whole payload, nested ones included. */
  maxFields: number;
  /** Levels of objects / arrays below the payload itself. */
  maxDepth: number;
}

/** Every payload of the contract fits with room to spare (`frame` has 5 fields and `insight.digit` one level down, `feedback` 3). */
export const PAYLOAD_SHAPE_LIMITS: PayloadShapeLimits = { maxFields: 32, maxDepth: 4 };

/**
 * Why `payload` is too big or too deep to be worth validating, or undefined when it is fine.
 * Iterative (no recursion to overflow) and stops at the first excess, so the work is bounded by
 * the limits, not by the message. Binary data is a leaf.
 */
export function payloadShapeProblem(
  payload: unknown,
  { maxFields, maxDepth }: PayloadShapeLimits = PAYLOAD_SHAPE_LIMITS,
): string | undefined {
  let fields = 0;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: payload, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node) || node instanceof ArrayBuffer) continue;
    if (depth > maxDepth) return `it is nested more than ${maxDepth} levels deep`;
    for (const key in node) {
      if (++fields > maxFields) return `it has more than ${maxFields} fields`;
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}

/** {@link payloadShapeProblem} as the contract's refusal. */
export function checkPayloadShape(payload: unknown): void {
  const problem = payloadShapeProblem(payload);
  if (problem) throw new ClientError('INVALID_PAYLOAD', `The message is refused unread: ${problem}.`);
}

/**
 * HTTP bodies through {@link checkPayloadShape}: a guard, because guards run before pipes, so the
 * ValidationPipe never sees such a body. Registered globally (APP_GUARD) by the recognition
 * module, so `POST /predict` and `POST /feedback` both pass through it. Sockets get the same check
 * from {@link SocketAdmission}, before Nest's pipeline.
 */
@Injectable()
export class PayloadShapeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const payload =
      context.getType() === 'http' ? context.switchToHttp().getRequest<{ body?: unknown }>().body : context.switchToWs().getData();
    checkPayloadShape(payload);
    return true;
  }
}
