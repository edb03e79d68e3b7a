import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { HttpResponse } from './http.types';
import { MetricsService } from '../metrics/metrics.service';
import { ClientError, HTTP_STATUS_BY_CODE } from './client-error';

/** HTTP answers for {@link ClientError}s: the status for its code and a `{ code, message }` body. */
@Catch(ClientError)
export class ClientErrorFilter implements ExceptionFilter<ClientError> {
  constructor(private readonly metrics: MetricsService) {}

  catch(error: ClientError, host: ArgumentsHost): void {
    this.metrics.errors.inc({ code: error.code });
    host
      .switchToHttp()
      .getResponse<HttpResponse>()
      .status(HTTP_STATUS_BY_CODE[error.code])
      .json({ code: error.code, message: error.message });
  }
}
