/**
 * An error caused by what a client sent (or by a state the client must wait out), carrying the
 * stable code of the socket contract and a sentence a person understands. Gateways answer it as
 * `frame:error` or a failed ack, controllers as a JSON body; anything else is a server bug.
 */
import { FEEDBACK_ERROR_CODES, FRAME_ERROR_CODES } from '@live-digits/shared';
import type { FeedbackErrorCode, FrameErrorCode } from '@live-digits/shared';

export type ClientErrorCode = FrameErrorCode | FeedbackErrorCode;

/** `C` is the code's own type, so an answer built from it can only be given where that code exists. */
export class ClientError<C extends ClientErrorCode = ClientErrorCode> extends Error {
  constructor(
    readonly code: C,
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
  // A well-formed image the server will not read as a number: Unprocessable Content.
  TOO_MANY_DIGITS: 422,
  RATE_LIMITED: 429,
  MODEL_UNAVAILABLE: 503,
  STORAGE_FAILED: 500,
  // The feedback folder reached its quota (FEEDBACK_MAX_ITEMS / FEEDBACK_MAX_BYTES): Insufficient Storage.
  STORAGE_FULL: 507,
  INTERNAL_ERROR: 500,
};

/** The codes one client event can be answered with (from the shared contract), and its answer to a server bug. */
export interface EventErrorCodes<C extends ClientErrorCode> {
  codes: readonly C[];
  unexpected: C;
}

export const FRAME_ERRORS: EventErrorCodes<FrameErrorCode> = { codes: FRAME_ERROR_CODES, unexpected: 'INTERNAL_ERROR' };
export const FEEDBACK_ERRORS: EventErrorCodes<FeedbackErrorCode> = { codes: FEEDBACK_ERROR_CODES, unexpected: 'STORAGE_FAILED' };

/**
 * A failure as one event's answer: a {@link ClientError} whose code the event has, as it is;
 * anything else (a bug, or a code the event does not have) is logged with its stack and answered
 * with the event's `unexpected` code and a sentence that gives nothing away.
 */
export function clientErrorFor<C extends ClientErrorCode>(
  error: unknown,
  { codes, unexpected }: EventErrorCodes<C>,
  logger: { error(message: string): void },
  context: string,
): ClientError<C> {
  if (error instanceof ClientError && hasCodeIn(error, codes)) return error;
  const foreign = error instanceof ClientError ? `code ${error.code} is not an answer this event has; ` : '';
  logger.error(`Unexpected failure ${context}: ${foreign}${error instanceof Error ? error.stack : String(error)}`);
  return new ClientError(unexpected, 'The server failed while handling this message; the failure has been logged.');
}

function hasCodeIn<C extends ClientErrorCode>(error: ClientError, codes: readonly C[]): error is ClientError<C> {
  return (codes as readonly ClientErrorCode[]).includes(error.code);
}
