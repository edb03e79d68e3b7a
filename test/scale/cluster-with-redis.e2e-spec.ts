/**
 * Both ways of scaling at once, as docs/deploy.md describes a real deployment: host A runs
 * `CLUSTER_WORKERS=2` and host B a single process, both with `REDIS_URL` on Debian's redis-server.
 * Every process uses the Redis adapter (the cluster's workers included), so presence counts the
 * clients of all three processes, and a SIGHUP to A's primary swaps the model in both of its workers
 * and is announced to B, whose own folder is reloaded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { drawingPng, drawnDigits } from '../server/support/drawings';
import { saveThrowawayModel } from '../server/support/model-fixtures';
import { exchange } from '../server/support/test-server';
import { eventually, health, roster, watchedClient, WatchedClient } from './support/clients';
import { freePort, serverUrl, startRedis, startServerProcess, Started, stopAll } from './support/processes';

describe('a cluster host and a single-process host sharing Redis', () => {
  let root: string;
  let cluster: { process: Started; url: string; modelDir: string };
  let single: { process: Started; url: string; modelDir: string };
  let drawing: Buffer;
  let seq = 0;
  const clients: WatchedClient[] = [];

  const startHost = async (name: string, redisPort: number, env: Record<string, string>) => {
    const modelDir = path.join(root, `model-${name}`);
    await saveThrowawayModel(modelDir, 1, 'mixed-1');
    const process = startServerProcess({
      PORT: '0',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      MODEL_DIR: modelDir,
      MODEL_WATCH_MS: '0',
      CLIENT_DIR: path.join(root, 'no-client'),
      ...env,
    });
    return { process, url: await serverUrl(process), modelDir };
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-mixed-'));
    drawing = await drawingPng(drawnDigits(1, 7)[0]);
    const redisPort = await freePort();
    await startRedis(path.join(root, 'redis'), redisPort);
    cluster = await startHost('a', redisPort, { CLUSTER_WORKERS: '2' });
    single = await startHost('b', redisPort, {});
  }, 420_000);
  afterAll(async () => {
    for (const { socket } of clients) socket.disconnect();
    await stopAll();
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('every process uses the Redis adapter and presence counts the clients of all three', async () => {
    for (const url of [cluster.url, cluster.url, cluster.url, cluster.url, single.url]) {
      clients.push(await watchedClient(url, 'websocket', { reconnect: true }));
    }
    for (const { socket } of clients) {
      await expect(exchange(socket, { seq: ++seq, image: drawing, final: true }, 20_000)).resolves.toMatchObject({
        prediction: { modelId: 'mixed-1', empty: false },
      });
    }
    const workers = roster(await health(cluster.url)).workers;
    expect(workers).toHaveLength(2);
    for (const client of clients) {
      await eventually(
        () => client.presence.at(-1)?.drawing,
        (n) => n === clients.length,
        15_000,
        `every client seeing ${clients.length} drawing`,
      );
    }
    expect(await health(single.url)).toMatchObject({ socketAdapter: 'redis', redis: 'up' });
    expect(await health(cluster.url)).toMatchObject({ redis: 'up' });
  }, 120_000);

  it('SIGHUP to the cluster primary swaps the model in its workers and on the other host', async () => {
    for (const { modelDir } of [cluster, single]) await saveThrowawayModel(modelDir, 2, 'mixed-2');
    cluster.process.child.kill('SIGHUP');
    for (const client of clients) {
      await eventually(
        () => client.models.at(-1)?.modelId,
        (id) => id === 'mixed-2',
        30_000,
        'every client told of mixed-2',
      );
    }
    for (const { socket } of clients) {
      await expect(exchange(socket, { seq: ++seq, image: drawing, final: true }, 20_000)).resolves.toMatchObject({
        prediction: { modelId: 'mixed-2' },
      });
    }
    expect(roster(await health(cluster.url)).workers.map((w) => w.modelId)).toEqual(['mixed-2', 'mixed-2']);
  }, 90_000);
});
