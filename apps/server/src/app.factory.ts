import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { ConsoleLogger, Logger, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { HttpResponse } from './common/http.types';
import { AppModule } from './app.module';
import { ConfiguredIoAdapter } from './common/configured-io.adapter';
import { AppConfig } from './config/app.config';
import { PLACEHOLDER_PAGE } from './client/placeholder.page';
import { FeedbackModule } from './feedback/feedback.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RecognitionModule } from './recognition/recognition.module';

export interface CreateAppOptions {
  /** Nest's logger: its default (coloured lines, or JSON lines with LOG_FORMAT=json), levels, or off. */
  logger?: LoggerService | LogLevel[] | false;
}

/** Where the OpenAPI document is served: the UI at /docs, the JSON at /docs-json. */
export const DOCS_PATH = 'docs';

/**
 * The whole server, configured but not listening: `main.ts` and the end-to-end tests both build it
 * here, so the tests run exactly what production runs.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: appLogger(config, options.logger),
  });
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityPolicy() }, xFrameOptions: { action: 'deny' } }));
  // Room for a base64 image at the image limit plus JSON around it; the image limit itself is checked after decoding.
  app.useBodyParser('json', { limit: config.maxMessageBytes });
  app.use(bodyParserErrors(config.maxMessageBytes));
  app.enableCors({ origin: config.corsOrigins });
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app, config));
  setUpApiDocs(app);
  // A request whose headers or body trickle in is cut after these (Node answers 408 and closes);
  // Node looks for such requests every connectionsCheckingInterval (read when it starts listening).
  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.connectionsCheckingInterval = Math.max(250, Math.min(5000, Math.floor(config.headersTimeoutMs / 4)));
  return app;
}

/** LOG_FORMAT=json: Nest's console logger writing one JSON object per line (level, time, context, message, pid). */
function appLogger(config: AppConfig, logger: CreateAppOptions['logger']): CreateAppOptions['logger'] {
  if (config.logFormat !== 'json' || logger === false || (logger !== undefined && !Array.isArray(logger))) return logger;
  return new ConsoleLogger({ json: true, colors: false, ...(logger ? { logLevels: logger } : {}) });
}

/**
 * helmet's defaults (nosniff, frame-ancestors 'none' and X-Frame-Options, no referrer leaks, …)
 * with a policy the page works under: scripts from this origin only (plus the placeholder page's
 * one inline script, by its hash), socket.io on this origin (ws: included by 'self'), the canvas
 * and previews as data: or blob: images, inline styles (Vue's style bindings, Swagger UI).
 */
function contentSecurityPolicy(): Record<string, string[]> {
  const inlineScripts = [...PLACEHOLDER_PAGE.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, script]) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`,
  );
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", ...inlineScripts],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'connect-src': ["'self'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
  };
}

/** The OpenAPI document, generated from the controllers' DTOs and decorators. */
function setUpApiDocs(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('live-digits')
      .setDescription(
        'Handwritten digit recognition over HTTP. The real-time API is Socket.IO (docs/socket-contract.md). ' +
          'Every error is `{ code, message }`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the server sets one' }, 'metrics')
      .build(),
    // The API's modules only: the page at / is not part of it.
    { include: [RecognitionModule, FeedbackModule, HealthModule, MetricsModule] },
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json`, yamlDocumentUrl: `${DOCS_PATH}-yaml` });
}

/** body-parser's failures (not JSON, too large, …) answered in the API's `{ code, message }` shape. */
function bodyParserErrors(limit: number) {
  return (
    error: { type?: string; status?: number; message?: string },
    _request: unknown,
    response: HttpResponse,
    next: (error: unknown) => void,
  ): void => {
    if (error.type === 'entity.too.large') {
      response.status(400).json({ code: 'IMAGE_TOO_LARGE', message: `The request body is larger than ${limit} bytes.` });
    } else if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      response.status(400).json({ code: 'INVALID_PAYLOAD', message: 'The request body is not valid JSON.' });
    } else if (error.status !== undefined && error.status >= 400 && error.status < 500) {
      // Anything else body-parser refuses (a body that does not match its length, a broken gzip stream, …).
      response.status(400).json({ code: 'INVALID_PAYLOAD', message: 'The request body could not be read.' });
    } else if (error.status !== undefined || error.type !== undefined) {
      new Logger('HttpErrors').error(`Reading a request body failed: ${error.message ?? String(error)}`);
      response
        .status(500)
        .json({ code: 'INTERNAL_ERROR', message: 'The server failed while reading this request; the failure has been logged.' });
    } else {
      next(error);
    }
  };
}
