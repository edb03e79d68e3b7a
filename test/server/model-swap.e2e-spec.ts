/** Hot swap: a new model saved into the folder (or a SIGHUP) reaches every connected client; a broken one is refused. */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HealthReport } from '../../apps/server/src/health/health.controller';
import { ModelService } from '../../apps/server/src/recognition/model.service';
import {
  DEFAULT_MODEL_DIR,
  MODEL_FOLDER_FILES,
  readModelMetadata,
  sha256Hex,
  WEIGHTS_BIN,
  writeModelMetadata,
} from '@live-digits/shared/model/model-files';
import type { ModelMetadata } from '@live-digits/shared/model/model-metadata';
import { drawingPng, drawnDigits } from './support/drawings';
import { saveBrokenModel, saveThrowawayModel } from './support/model-fixtures';
import { connect, disconnectAll, exchange, nextEvent, record, sleep, startServer, TestServer } from './support/test-server';

/**
 * GET /health on a connection of its own. A reload runs the candidate model on the event loop that
 * this test shares with the server, for seconds on a loaded machine; a pooled keep-alive connection
 * can be closed by the server's idle timer just as the client reuses it (ECONNRESET).
 */
function health(url: string): Promise<HealthReport> {
  return new Promise((resolve, reject) => {
    get(`${url}/health`, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(JSON.parse(body) as HealthReport));
      response.on('error', reject);
    }).on('error', reject);
  });
}

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
    expect((await health(server.url)).model?.id).toBe(current);
  });
});

/**
 * Damaged weights never serve: a checksum mismatch is refused by the model package, and weights
 * whose checksum was taken after the damage (metadata rewritten with it) by the known-answer check
 * on MNIST test digits. Uses the committed, trained model, since only a measured accuracy can be checked.
 */
describe('model hot swap with damaged weights', () => {
  const committed = path.resolve(__dirname, '../..', DEFAULT_MODEL_DIR);
  let root: string;
  let modelDir: string;
  let server: TestServer;
  let original: ModelMetadata;
  let weights: Buffer;
  let drawing: Buffer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-damaged-'));
    modelDir = path.join(root, 'model');
    await mkdir(modelDir);
    for (const file of MODEL_FOLDER_FILES) await copyFile(path.join(committed, file), path.join(modelDir, file));
    original = (await readModelMetadata(modelDir))!;
    weights = await readFile(path.join(modelDir, WEIGHTS_BIN));
    server = await startServer({ modelDir });
    drawing = await drawingPng(drawnDigits(1, 2)[0]);
  }, 60_000);
  afterEach(disconnectAll);
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  const reload = () => server.app.get(ModelService).reload('test');

  /** Writes `damaged` as weights.bin; metadata.json records the original checksum, the damaged one's, or none. */
  async function install(damaged: Buffer, checksum: 'original' | 'matching' | 'none', modelId: string): Promise<void> {
    const rest: ModelMetadata = { ...original };
    delete rest.weightsSha256;
    const weightsSha256 = checksum === 'original' ? sha256Hex(weights) : checksum === 'matching' ? sha256Hex(damaged) : undefined;
    await writeFile(path.join(modelDir, WEIGHTS_BIN), damaged);
    await writeModelMetadata(modelDir, { ...rest, modelId, ...(weightsSha256 === undefined ? {} : { weightsSha256 }) });
  }

  /** 1% of the bytes with every bit inverted, at a prime stride so every byte of a float32 is hit: the file keeps its size. */
  function flipOnePercent(bytes: Buffer): Buffer {
    const damaged = Buffer.from(bytes);
    for (let i = 0; i < damaged.length; i += 97) damaged[i] ^= 0xff;
    return damaged;
  }

  async function expectStillServing(servingId: string, socketAnnouncements: unknown[]): Promise<void> {
    expect(socketAnnouncements).toEqual([]);
    expect((await health(server.url)).model).toEqual({ id: servingId, testAccuracy: original.testAccuracy });
  }

  /** Which check refuses: the checksum when it was taken before the damage, else the known-answer check. */
  const BY_CHECKSUM = /does not match the checksum/;
  const BY_KNOWN_ANSWERS = /MNIST test digits, below/;

  it.each<[string, () => Buffer, 'original' | 'matching' | 'none', RegExp]>([
    ['1% of its bytes flipped, checksum of the original', () => flipOnePercent(weights), 'original', BY_CHECKSUM],
    ['1% of its bytes flipped, checksum taken after the damage', () => flipOnePercent(weights), 'matching', BY_KNOWN_ANSWERS],
    ['all zeros, checksum of the original', () => Buffer.alloc(weights.length), 'original', BY_CHECKSUM],
    ['all zeros, checksum taken after the damage', () => Buffer.alloc(weights.length), 'matching', BY_KNOWN_ANSWERS],
    ['all zeros, no checksum', () => Buffer.alloc(weights.length), 'none', BY_KNOWN_ANSWERS],
  ])(
    'refuses a same-size weights.bin with %s; the old model keeps serving under its own id',
    async (_what, damage, checksum, refusedBy) => {
      const serving = server.app.get(ModelService).info!.modelId;
      const socket = await connect(server.url, 'websocket');
      const announcements = record(socket, 'model');
      const refusals = server.logger.find('error', /^Refused the model/).length;
      await install(damage(), checksum, 'digit-net-damaged');
      await expect(reload()).resolves.toBe(false);
      const refused = server.logger.find('error', /^Refused the model/);
      expect(refused).toHaveLength(refusals + 1);
      expect(refused.at(-1)!.message).toMatch(refusedBy);
      await expectStillServing(serving, announcements);
      await expect(exchange(socket, { seq: 1, image: drawing, final: true }, 10_000)).resolves.toMatchObject({
        prediction: { modelId: serving },
      });
    },
    60_000,
  );

  it('swaps in the sound weights again, announced under the new metadata id and accuracy', async () => {
    const socket = await connect(server.url, 'websocket');
    const announced = nextEvent(socket, 'model', (m) => m.modelId === 'digit-net-restored', 30_000);
    await install(weights, 'matching', 'digit-net-restored');
    await expect(reload()).resolves.toBe(true);
    await expect(announced).resolves.toEqual({ modelId: 'digit-net-restored', testAccuracy: original.testAccuracy });
    await expect(exchange(socket, { seq: 1, image: drawing, final: true }, 10_000)).resolves.toMatchObject({
      prediction: { modelId: 'digit-net-restored' },
    });
  }, 60_000);
});
