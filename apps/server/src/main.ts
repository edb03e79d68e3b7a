/**
 * Starts the recognition server: configuration is validated first (one message lists every bad
 * variable), then the app listens; SIGTERM / SIGINT close it gracefully, SIGHUP reloads the model.
 */
import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app.config';

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
  // V8 picks the old generation's limit from how fast we allocate, and every decoded frame's pixel
  // buffer counts against it until the next full GC. Under a steady stream the limit can settle so
  // low that a full mark-compact runs every ~100 ms and stalls frames by 10–30 ms; a fixed factor
  // keeps full GCs seconds apart (docs/server-benchmark.md).
  if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const app = await createApp(config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.host);
  const url = new URL(await app.getUrl());
  if (url.hostname === '[::1]' || config.host === '0.0.0.0' || config.host === '::') url.hostname = 'localhost';
  logger.log(`Serving on ${url.origin} (model folder ${config.modelDir})`);
}

void bootstrap();
