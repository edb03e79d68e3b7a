/**
 * Starts the recognition server: configuration is validated first (one message lists every bad
 * variable), then the app listens; SIGTERM / SIGINT close it gracefully, SIGHUP reloads the model.
 */
import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app.config';

/**
 * V8 sizes the old generation by how fast we allocate, and every decoded frame's pixel buffer
 * counts against that limit until the next full collection. Under a steady stream the limit can
 * settle so low that a full mark-compact runs every ~100 ms, stalling frames by 10–30 ms; a fixed
 * growing factor of 2× (V8's dynamic one may fall to ~1.2×) keeps full collections seconds apart.
 * docs/server-benchmark.md has the measurements.
 */
setFlagsFromString('--heap-growing-percent=100');

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error(error.message);
    process.exit(1);
  }
  const app = await createApp(config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.host);
  const url = new URL(await app.getUrl());
  if (url.hostname === '[::1]' || config.host === '0.0.0.0' || config.host === '::') url.hostname = 'localhost';
  logger.log(`Serving on ${url.origin} (model folder ${config.modelDir})`);
}

void bootstrap();
