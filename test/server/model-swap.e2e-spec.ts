/** Hot swap: a new model saved into the folder (or a SIGHUP) reaches every connected client; a broken one is refused. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HealthReport } from '../../apps/server/src/health/health.controller';
import { drawingPng, drawnDigits } from './support/drawings';
import { saveBrokenModel, saveThrowawayModel } from './support/model-fixtures';
import { connect, disconnectAll, exchange, nextEvent, record, sleep, startServer, TestServer } from './support/test-server';

describe('model hot swap', () => {
  let root: string;
  let modelDir: string;
  let server: TestServer;
  let drawing: Buffer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-swap-'));
    modelDir = path.join(root, 'model');
    await saveThrowawayModel(modelDir, 1, 'model-a', 0.1);
    server = await startServer({ modelDir, modelWatchMs: 50 });
    drawing = await drawingPng(drawnDigits(1, 2)[0]);
  });
  afterEach(disconnectAll);
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('a new model saved into the folder is announced to every client and answers from then on', async () => {
    const clients = [await connect(server.url, 'websocket'), await connect(server.url, 'polling')];
    const announced = clients.map((socket) => nextEvent(socket, 'model', (m) => m.modelId === 'model-b', 10_000));
    await saveThrowawayModel(modelDir, 2, 'model-b', 0.2);
    for (const payload of await Promise.all(announced)) expect(payload).toEqual({ modelId: 'model-b', testAccuracy: 0.2 });
    await expect(exchange(clients[0], { seq: 1, image: drawing, final: true })).resolves.toMatchObject({
      prediction: { modelId: 'model-b' },
    });
  });

  // Jest's sandboxed `process` does not receive real signals, so these emit the event the signal
  // raises; process.e2e-spec.ts sends a real SIGHUP to a server process.
  it('SIGHUP reloads the folder', async () => {
    const socket = await connect(server.url, 'websocket');
    // Watching would find it too; SIGHUP is simply faster than the watcher's two polls.
    const announced = nextEvent(socket, 'model', (m) => m.modelId === 'model-c', 10_000);
    await saveThrowawayModel(modelDir, 3, 'model-c', 0.3);
    process.emit('SIGHUP', 'SIGHUP');
    await expect(announced).resolves.toEqual({ modelId: 'model-c', testAccuracy: 0.3 });
  });

  it('a broken model is refused: no announcement, the old model keeps answering', async () => {
    const socket = await connect(server.url, 'polling');
    const current = (await exchange(socket, { seq: 1, image: drawing, final: true })).prediction!.modelId;
    const announcements = record(socket, 'model');
    await saveBrokenModel(modelDir, 'model-broken');
    process.emit('SIGHUP', 'SIGHUP');
    await sleep(400); // SIGHUP and several watcher polls
    expect(announcements).toEqual([]);
    await expect(exchange(socket, { seq: 2, image: drawing, final: true })).resolves.toMatchObject({ prediction: { modelId: current } });
    const health = (await (await fetch(`${server.url}/health`)).json()) as HealthReport;
    expect(health.model?.id).toBe(current);
  });
});
