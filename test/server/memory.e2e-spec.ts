/** Tensors have owners: the count TensorFlow.js holds is the same before and after 2,000 frames. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tf } from '@live-digits/shared/tf/tf';
import { blankCanvasPng, drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { connect, disconnectAll, exchange, startServer, TestServer, Transport } from './support/test-server';

const FRAMES = 2000;
const CLIENTS = 8;

describe('tensor memory under traffic', () => {
  let root: string;
  let server: TestServer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-memory-'));
    await saveThrowawayModel(path.join(root, 'model'), 6);
    server = await startServer({ modelDir: path.join(root, 'model'), rateLimitFps: 100_000 });
  });
  afterEach(disconnectAll);
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it(`tf.memory().numTensors is equal before and after ${FRAMES} frames from ${CLIENTS} clients`, async () => {
    const images = [...(await Promise.all(drawnDigits(10, 99).map(drawingPng))), await blankCanvasPng()];
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => connect(server.url, (i % 2 ? 'polling' : 'websocket') as Transport)),
    );
    await exchange(clients[0], { seq: 0, image: images[0], final: true });
    const before = tf.memory().numTensors;

    let sent = 0;
    let predictions = 0;
    let errors = 0;
    await Promise.all(
      clients.map(async (socket) => {
        for (let seq = 1; sent < FRAMES; seq += 2) {
          const image = images[sent % images.length];
          // One frame in four is superseded by the final one right behind it; one in seven asks
          // for a preview; one image in eleven is the empty canvas.
          if (seq % 8 === 1) {
            socket.emit('frame', { seq, image });
            sent++;
          }
          sent++;
          const answer = await exchange(socket, { seq: seq + 1, image, final: true, preview: sent % 7 === 0 }, 20_000);
          if (answer.prediction) predictions++;
          else errors++;
        }
      }),
    );

    expect(errors).toBe(0);
    expect(predictions).toBeGreaterThanOrEqual(FRAMES * 0.75);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
