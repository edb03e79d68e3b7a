/**
 * The real server (the server tests' `startServer`) serving the freshly built page, with the
 * committed model unless a test says otherwise.
 */
import * as path from 'node:path';
import { DEFAULT_MODEL_DIR } from '@live-digits/shared/model/model-files';
import type { AppConfig } from '../../../apps/server/src/config/app.config';
import { startServer, TestServer } from '../../server/support/test-server';
import { buildClient } from './client-build';

export const COMMITTED_MODEL_DIR = path.resolve(__dirname, '../../..', DEFAULT_MODEL_DIR);

export async function startPageServer(overrides: Partial<AppConfig> = {}): Promise<TestServer> {
  return startServer({ modelDir: COMMITTED_MODEL_DIR, clientDir: await buildClient(), ...overrides });
}

/** Frames the server has received so far, from its Prometheus metrics. */
export async function framesReceived(server: TestServer): Promise<number> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('live_digits_frames_received_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
