/**
 * An error caused by what a client sent (or by a state the client must wait out), carrying the
 * stable code of the socket contract and a sentence a person understands. Gateways answer it as
 * `frame:error` or a failed ack, controllers as a JSON body; anything else is a server bug.
 */
import type { FeedbackErrorCode, FrameErrorCode } from '@live-digits/shared';

export type ClientErrorCode = FrameErrorCode | FeedbackErrorCode;

export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** HTTP status for each code: bad input is 400 (the seed projects' API), waiting states are 429 / 503. */
export const HTTP_STATUS_BY_CODE: Record<ClientErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  INVALID_IMAGE: 400,
  IMAGE_TOO_LARGE: 400,
  RATE_LIMITED: 429,
  MODEL_UNAVAILABLE: 503,
  STORAGE_FAILED: 500,
  INTERNAL_ERROR: 500,
};

/** A {@link ClientError} as it is; anything else is logged with its stack and answered as INTERNAL_ERROR. */
export function asClientError(error: unknown, logger: { error(message: string): void }, context: string): ClientError {
  if (error instanceof ClientError) return error;
  logger.error(`Unexpected failure ${context}: ${error instanceof Error ? error.stack : String(error)}`);
  return new ClientError('INTERNAL_ERROR', 'The server failed while handling this message; the failure has been logged.');
}
