import { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { HttpResponse } from './common/http.types';
import { AppModule } from './app.module';
import { ConfiguredIoAdapter } from './common/configured-io.adapter';
import { AppConfig } from './config/app.config';

export interface CreateAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * The whole server, configured but not listening: `main.ts` and the end-to-end tests both build it
 * here, so the tests run exactly what production runs.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger,
  });
  // Room for a base64 image at the image limit plus JSON around it; the image limit itself is checked after decoding.
  app.useBodyParser('json', { limit: config.maxMessageBytes });
  app.use(bodyParserErrors(config.maxMessageBytes));
  app.enableCors({ origin: config.corsOrigins });
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app, config));
  return app;
}

/** body-parser's failures (not JSON, too large) answered in the API's `{ code, message }` shape. */
function bodyParserErrors(limit: number) {
  return (error: { type?: string }, _request: unknown, response: HttpResponse, next: (error: unknown) => void): void => {
    if (error.type === 'entity.too.large') {
      response.status(400).json({ code: 'IMAGE_TOO_LARGE', message: `The request body is larger than ${limit} bytes.` });
    } else if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      response.status(400).json({ code: 'INVALID_PAYLOAD', message: 'The request body is not valid JSON.' });
    } else {
      next(error);
    }
  };
}
