/**
 * Starts the recognition server: configuration is validated first (one message lists every bad
 * variable), then the app listens; SIGTERM / SIGINT close it gracefully, SIGHUP reloads the model.
 */
import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app.config';
import { clusterRole } from './scale/cluster-messages';
import { runClusterPrimary } from './scale/cluster-primary';
import { holdConnectionsUntilServing, serveClusterWorker } from './scale/cluster-worker';

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
  // CLUSTER_WORKERS: the primary owns the port and forks workers; each worker serves what it is handed (apps/server/src/scale).
  const role = clusterRole(config);
  if (role === 'primary') return runClusterPrimary(config);
  if (role === 'worker') holdConnectionsUntilServing();
  const app = await createApp(config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  if (role === 'worker') return serveClusterWorker(app);
  await app.listen(config.port, config.host);
  const url = new URL(await app.getUrl());
  if (url.hostname === '[::1]' || config.host === '0.0.0.0' || config.host === '::') url.hostname = 'localhost';
  logger.log(`Serving on ${url.origin} (model folder ${config.modelDir})`);
}

void bootstrap();
