/**
 * `CLUSTER_WORKERS=2 npm start`: one primary and two workers behind one port. WebSocket and
 * long-polling clients get predictions from both workers (polling sessions stay on their worker:
 * @socket.io/sticky), presence counts everyone, /health lists the workers and /metrics adds them
 * up; SIGHUP to the primary swaps the model in every worker; a killed worker is replaced while its
 * clients reconnect to the other; SIGTERM drains both and the primary exits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { drawingPng, drawnDigits } from '../server/support/drawings';
import { saveThrowawayModel } from '../server/support/model-fixtures';
import { disconnectAll, exchange, TRANSPORTS } from '../server/support/test-server';
import { eventually, health, metric, roster, watchedClient, WatchedClient } from './support/clients';
import { serverUrl, startServerProcess, Started, stop, stopAll } from './support/processes';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('CLUSTER_WORKERS=2', () => {
  let root: string;
  let modelDir: string;
  let primary: Started;
  let url: string;
  let drawing: Buffer;
  let seq = 0;
  const clients: WatchedClient[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-cluster-'));
    modelDir = path.join(root, 'model');
    await saveThrowawayModel(modelDir, 1, 'cluster-a');
    drawing = await drawingPng(drawnDigits(1, 3)[0]);
    primary = startServerProcess({
      CLUSTER_WORKERS: '2',
      PORT: '0',
      MODEL_DIR: modelDir,
      MODEL_WATCH_MS: '0',
      CLIENT_DIR: path.join(root, 'no-client'),
    });
    url = await serverUrl(primary);
  }, 360_000);
  afterAll(async () => {
    disconnectAll();
    for (const { socket } of clients) socket.disconnect();
    await stopAll();
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('serves WebSocket and long-polling clients on both workers; presence, /health and /metrics cover every worker', async () => {
    for (const transport of [...TRANSPORTS, ...TRANSPORTS]) clients.push(await watchedClient(url, transport, { reconnect: true }));
    for (const { socket } of clients) {
      await expect(exchange(socket, { seq: ++seq, image: drawing, final: true }, 20_000)).resolves.toMatchObject({
        prediction: { modelId: 'cluster-a', empty: false },
      });
    }
    for (const client of clients) {
      await eventually(
        () => client.presence.at(-1)?.drawing,
        (n) => n === 4,
        10_000,
        'every client seeing 4 drawing',
      );
    }

    const report = roster(await health(url));
    expect(report.workers).toHaveLength(2);
    expect(report.workers.map((w) => [w.state, w.modelId])).toEqual([
      ['serving', 'cluster-a'],
      ['serving', 'cluster-a'],
    ]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metric(metrics, 'live_digits_connected_sockets')).toBe(4);
    expect(metric(metrics, 'live_digits_frames_received_total')).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('SIGHUP to the primary swaps the model in every worker', async () => {
    await saveThrowawayModel(modelDir, 2, 'cluster-b');
    primary.child.kill('SIGHUP');
    for (const client of clients) {
      await eventually(
        () => client.models.at(-1)?.modelId,
        (id) => id === 'cluster-b',
        30_000,
        'every client told of cluster-b',
      );
    }
    for (const { socket } of clients) {
      await expect(exchange(socket, { seq: ++seq, image: drawing, final: true }, 20_000)).resolves.toMatchObject({
        prediction: { modelId: 'cluster-b' },
      });
    }
    const report = roster(await health(url));
    expect(report.workers.map((w) => w.modelId)).toEqual(['cluster-b', 'cluster-b']);
  }, 90_000);

  it('replaces a killed worker; its clients reconnect to the other and keep getting predictions', async () => {
    const before = roster(await health(url));
    const victim = before.workers[0].pid;
    process.kill(victim, 'SIGKILL');

    const after = await eventually(
      async () => roster(await health(url)),
      (r) => r.restarts === 1 && r.workers.length === 2 && r.workers.every((w) => w.state === 'serving' && w.pid !== victim),
      120_000,
      'a replacement worker serving',
    );
    expect(after.workers.map((w) => w.modelId)).toEqual(['cluster-b', 'cluster-b']);
    const dropped = clients.filter((client) => client.disconnects.length > 0);
    expect(dropped.length).toBeGreaterThan(0); // least-connection put some of them on the killed worker
    for (const { socket } of clients) {
      await eventually(() => socket.connected, Boolean, 30_000, 'the client connected again');
      await expect(exchange(socket, { seq: ++seq, image: drawing, final: true }, 20_000)).resolves.toMatchObject({
        prediction: { modelId: 'cluster-b' },
      });
    }
  }, 180_000);

  it('SIGTERM to the primary drains every worker, then the primary exits', async () => {
    const pids = roster(await health(url)).workers.map((w) => w.pid);
    expect(await stop(primary, 'SIGTERM', 30_000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(pids.filter(alive)).toEqual([]);
    expect(primary.output()).toContain('Shutting down on SIGTERM');
  }, 60_000);
});
