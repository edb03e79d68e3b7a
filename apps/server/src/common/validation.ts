/** Validation shared by the gateways and the controllers: one pipe, one error shape, one image rule. */
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';
import type { ImagePayload, InsightRequest } from '@live-digits/shared';
import { ClientError } from './client-error';

/** Each failed constraint as a sentence fragment naming its field (`seq must be a whole number`). */
function reasons(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const name = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [
      ...own.map((text) => (text.startsWith(error.property) ? name + text.slice(error.property.length) : text)),
      ...reasons(error.children ?? [], name),
    ];
  });
}

/** Refuses a body that is not an object up front, with a message saying so rather than listing every missing field. */
class ClientValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : value === undefined ? 'nothing' : `a ${typeof value}`;
      throw new ClientError('INVALID_PAYLOAD', `The message must be an object with named fields, not ${kind}.`);
    }
    return super.transform(value, metadata);
  }
}

/**
 * A ValidationPipe whose failures are {@link ClientError}s with code INVALID_PAYLOAD. Gateways need
 * it on their class (global pipes do not reach them); HTTP uses the same pipe globally.
 */
export function createValidationPipe(): ValidationPipe {
  return new ClientValidationPipe({
    // The handler gets the payload as sent; class-transformer's instance is only validated.
    transform: false,
    forbidUnknownValues: true,
    // One reason per field: "seq must be a whole number", not that and every bound it then also misses.
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ClientError('INVALID_PAYLOAD', `The message is not valid: ${reasons(errors).join('; ') || 'it must be an object'}.`),
  });
}

/**
 * The one check of an image's type: PNG / JPEG / WebP bytes (Buffer, Uint8Array, ArrayBuffer) or a
 * non-empty string (data URL or bare base64). What it holds is the preprocessing's to judge.
 */
export function isImagePayload(value: unknown): value is ImagePayload {
  return (typeof value === 'string' && value.length > 0) || value instanceof Uint8Array || value instanceof ArrayBuffer;
}

export const IsImagePayload = propertyRule(
  'isImagePayload',
  isImagePayload,
  'image must be PNG, JPEG or WebP bytes, or a data URL or base64 string of them',
);

/**
 * A frame's `insight`: `true` (explain the top guess) or `{ digit }` with a whole number 0–9 (explain
 * that digit, "why not 7?") and no other field.
 */
export function isInsightRequest(value: unknown): value is InsightRequest {
  if (value === true) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const keys = Object.keys(value);
  const { digit } = value as { digit?: unknown };
  return keys.length === 1 && keys[0] === 'digit' && Number.isInteger(digit) && (digit as number) >= 0 && (digit as number) <= 9;
}

export const IsInsightRequest = propertyRule(
  'isInsightRequest',
  isInsightRequest,
  'insight must be true (the top guess) or { digit } with a whole number from 0 to 9',
);

/** A class-validator decorator for one of the contract's own checks, with its default message. */
function propertyRule(name: string, validate: (value: unknown) => boolean, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options: { message, ...options },
        validator: { validate },
      });
}
