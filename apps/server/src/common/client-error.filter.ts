import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from './http.types';
import { MetricsService } from '../metrics/metrics.service';
import { ClientError, ClientErrorCode, HTTP_STATUS_BY_CODE } from './client-error';

/** Codes only HTTP answers have (Nest's and Express's own refusals), besides the socket contract's. */
export const HTTP_ERROR_CODES = ['NOT_FOUND', 'METHOD_NOT_ALLOWED', 'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'REQUEST_TIMEOUT'] as const;

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'INVALID_PAYLOAD',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [HttpStatus.REQUEST_TIMEOUT]: 'REQUEST_TIMEOUT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'IMAGE_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMITED',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'MODEL_UNAVAILABLE',
};

export interface HttpErrorBody {
  code: string;
  message: string;
}

/**
 * Every HTTP error as `{ code, message }`: a {@link ClientError} with the status for its code,
 * Nest's own exceptions (an unknown route's 404, …) with a code for their status, and anything
 * else — a bug — as 500 `INTERNAL_ERROR`, logged with its stack and answered with a sentence that
 * gives nothing away. Socket events have filters of their own.
 */
@Catch()
export class ClientErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  constructor(private readonly metrics: MetricsService) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const { status, body } = httpErrorFor(error, http.getRequest<HttpRequest>(), this.logger);
    this.metrics.errors.inc({ code: body.code });
    const response = http.getResponse<HttpResponse>();
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}

export function httpErrorFor(error: unknown, request: HttpRequest | undefined, logger: Logger): { status: number; body: HttpErrorBody } {
  if (error instanceof ClientError) {
    const code: ClientErrorCode = error.code;
    return { status: HTTP_STATUS_BY_CODE[code], body: { code, message: error.message } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === HttpStatus.NOT_FOUND) {
      return {
        status,
        body: { code: 'NOT_FOUND', message: `There is no ${request?.method ?? 'such'} ${request?.path ?? 'route'} on this server.` },
      };
    }
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_PAYLOAD');
    if (status < 500) return { status, body: { code, message: sentence(error.message) } };
  }
  logger.error(
    `Unexpected failure answering ${request?.method ?? '?'} ${request?.path ?? '?'}: ${error instanceof Error ? error.stack : String(error)}`,
  );
  return {
    status: 500,
    body: { code: 'INTERNAL_ERROR', message: 'The server failed while handling this request; the failure has been logged.' },
  };
}

function sentence(text: string): string {
  const trimmed = text.trim() || 'The request was refused';
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
