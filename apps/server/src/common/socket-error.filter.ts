import { ArgumentsHost, ExceptionFilter, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { MetricsService } from '../metrics/metrics.service';
import { ClientError, ClientErrorCode, clientErrorFor, EventErrorCodes } from './client-error';

/**
 * Every failure of a socket handler ends here and becomes an answer: the failure narrowed to a
 * code the event has, counted, and answered in the event's own shape. Each gateway's subclass
 * names its event's codes and says how it answers; nothing a client sends can throw past this.
 */
export abstract class SocketErrorFilter<C extends ClientErrorCode> implements ExceptionFilter {
  private readonly logger = new Logger('SocketErrors');

  protected constructor(
    private readonly metrics: MetricsService,
    private readonly errors: EventErrorCodes<C>,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<Socket>();
    const error = clientErrorFor(exception, this.errors, this.logger, `handling '${ws.getPattern()}' from socket ${socket.id}`);
    this.metrics.errors.inc({ code: error.code });
    this.answer(error, host);
  }

  protected abstract answer(error: ClientError<C>, host: ArgumentsHost): void;
}
