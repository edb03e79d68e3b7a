/**
 * Many nodes, tested with the real pieces on loopback: Debian's redis-server, two server processes
 * with REDIS_URL (@socket.io/redis-adapter), and nginx running the project's deploy/nginx.conf in
 * front of them. WebSocket and long-polling clients through nginx get predictions and see everyone
 * on both nodes; a model swap on one node reaches the other's clients (a broken one is refused by
 * both); when Redis stops, both nodes keep predicting every frame and count their own clients, log
 * the loss once, and join up again when Redis is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { drawingPng, drawnDigits } from '../server/support/drawings';
import { saveBrokenModel, saveThrowawayModel } from '../server/support/model-fixtures';
import { exchange, sleep } from '../server/support/test-server';
import { eventually, health, metric, WatchedClient, watchedClient } from './support/clients';
import {
  freePort,
  serverUrl,
  startNginx,
  startRedis,
  startServerProcess,
  Started,
  stop,
  stopAll,
  waitForOutput,
} from './support/processes';

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
/** Low enough that one client reaches it over both nodes within the test. */
const PREDICT_PER_MINUTE = 6;

describe('two nodes with Redis, behind nginx', () => {
  let root: string;
  let redisPort: number;
  let redis: Started;
  const nodes: Array<{ process: Started; url: string; modelDir: string }> = [];
  let nginxUrl: string;
  let drawing: Buffer;
  let seq = 0;
  const clients: Record<'onA' | 'onB' | 'viaNginxWs' | 'viaNginxPolling', WatchedClient> = {} as never;

  const allClients = () => Object.values(clients);
  const saveEverywhere = async (seed: number, modelId: string) => {
    for (const { modelDir } of nodes) await saveThrowawayModel(modelDir, seed, modelId);
  };
  const predictsWith = async (client: WatchedClient, modelId: string) =>
    expect(exchange(client.socket, { seq: ++seq, image: drawing, final: true }, 20_000)).resolves.toMatchObject({
      prediction: { modelId, empty: false },
    });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-nodes-'));
    drawing = await drawingPng(drawnDigits(1, 5)[0]);
    redisPort = await freePort();
    redis = await startRedis(path.join(root, 'redis'), redisPort);
    for (const name of ['a', 'b']) {
      const modelDir = path.join(root, `model-${name}`); // each node reads its own folder, as in separate containers
      await saveThrowawayModel(modelDir, 1, 'nodes-1');
      const port = await freePort();
      const process = startServerProcess({
        PORT: String(port),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        MODEL_DIR: modelDir,
        MODEL_WATCH_MS: '0',
        CLIENT_DIR: path.join(root, 'no-client'),
        PREDICT_PER_MINUTE: String(PREDICT_PER_MINUTE),
      });
      nodes.push({ process, url: '', modelDir });
    }
    for (const node of nodes) node.url = await serverUrl(node.process);
    const nginxPort = await freePort();
    await startNginx(
      path.join(root, 'nginx'),
      nginxPort,
      nodes.map(({ url }) => new URL(url).host),
    );
    nginxUrl = `http://127.0.0.1:${nginxPort}`;
  }, 420_000);
  afterAll(async () => {
    for (const { socket } of allClients()) socket.disconnect();
    await stopAll();
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('WebSocket and long-polling clients through nginx get predictions, and everyone sees everyone on both nodes', async () => {
    clients.onA = await watchedClient(nodes[0].url, 'websocket', { reconnect: true });
    clients.onB = await watchedClient(nodes[1].url, 'polling', { reconnect: true });
    clients.viaNginxWs = await watchedClient(nginxUrl, 'websocket', { reconnect: true });
    clients.viaNginxPolling = await watchedClient(nginxUrl, 'polling', { reconnect: true });
    for (const client of allClients()) await predictsWith(client, 'nodes-1');
    for (const client of allClients()) {
      await eventually(
        () => client.presence.at(-1)?.drawing,
        (n) => n === 4,
        15_000,
        'every client seeing 4 drawing',
      );
    }
    const report = await health(nginxUrl);
    expect(report).toMatchObject({ status: 'ok', socketAdapter: 'redis', redis: 'up' });
  }, 90_000);

  it('a client’s POST /predict limit holds across both nodes (hits are counted in Redis)', async () => {
    const predict = (url: string) =>
      fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: drawing.toString('base64') }),
      });
    const [a, b] = nodes.map((node) => node.url);
    // Half the allowance on each node: each node alone is far from its own limit.
    for (let i = 0; i < PREDICT_PER_MINUTE / 2; i++) {
      for (const url of [a, b]) expect((await predict(url)).status).toBe(200);
    }
    for (const url of [a, b]) {
      const refused = await predict(url);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    }
  });

  it('a swap triggered on one node reaches the clients of the other; a broken model is refused by both', async () => {
    await saveEverywhere(2, 'nodes-2');
    nodes[0].process.child.kill('SIGHUP'); // node A only: node B hears of it through Redis
    await eventually(
      () => clients.onB.models.at(-1)?.modelId,
      (id) => id === 'nodes-2',
      30_000,
      'node B telling its client',
    );
    for (const client of allClients()) await predictsWith(client, 'nodes-2');

    const announced = allClients().map((client) => client.models.length);
    for (const { modelDir } of nodes) await saveBrokenModel(modelDir, 'nodes-broken');
    nodes[0].process.child.kill('SIGHUP');
    await waitForOutput(nodes[0].process, /Refused the model/, 20_000, 'node A refusing the broken model');
    await sleep(1500);
    expect(allClients().map((client) => client.models.length)).toEqual(announced);
    for (const client of allClients()) await predictsWith(client, 'nodes-2');
  }, 120_000);

  it('without Redis both nodes keep predicting every frame and count their own clients; together again when it is back', async () => {
    await stop(redis, 'SIGTERM');
    for (const node of nodes) await waitForOutput(node.process, /Lost Redis at/, 20_000, 'the node noticing');

    const ownCounts = await Promise.all(
      nodes.map(async ({ url }) => metric(await (await fetch(`${url}/metrics`)).text(), 'live_digits_connected_sockets')),
    );
    expect(ownCounts.reduce((a, b) => a + b, 0)).toBe(4);
    await eventually(
      () => clients.onA.presence.at(-1)?.drawing,
      (n) => n === ownCounts[0],
      15_000,
      "A's client seeing A's count",
    );
    await eventually(
      () => clients.onB.presence.at(-1)?.drawing,
      (n) => n === ownCounts[1],
      15_000,
      "B's client seeing B's count",
    );

    // Frames never touch Redis: every one is answered during the outage.
    for (let i = 0; i < 10; i++) for (const client of allClients()) await predictsWith(client, 'nodes-2');
    await sleep(3000); // several failed reconnection attempts…
    for (const node of nodes) expect(occurrences(node.process.output(), 'Lost Redis at')).toBe(1); // …logged once

    redis = await startRedis(path.join(root, 'redis'), redisPort);
    for (const node of nodes) await waitForOutput(node.process, /Redis at \S+ is back/, 20_000, 'the node reconnecting');
    for (const client of allClients()) {
      await eventually(
        () => client.presence.at(-1)?.drawing,
        (n) => n === 4,
        15_000,
        'every client seeing 4 again',
      );
    }
    for (const client of allClients()) await predictsWith(client, 'nodes-2');
    for (const node of nodes) expect(node.process.child.exitCode).toBeNull();
  }, 150_000);
});
