/** Labelled drawings sent over the socket or HTTP land in the folder `train --feedback` reads. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FeedbackAck } from '@live-digits/shared';
import { loadFeedback } from '../../training/src/data/training-data';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { ClientSocket, connect, disconnectAll, startServer, TestServer, TRANSPORTS, within } from './support/test-server';

describe('feedback', () => {
  let root: string;
  let feedbackDir: string;
  let server: TestServer;
  let drawings: Buffer[];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-feedback-'));
    feedbackDir = path.join(root, 'feedback');
    await saveThrowawayModel(path.join(root, 'model'), 4);
    server = await startServer({ modelDir: path.join(root, 'model'), feedbackDir, feedbackPerMinute: 10 });
    drawings = await Promise.all(drawnDigits(3, 77).map(drawingPng));
  });
  afterEach(disconnectAll);
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  function sendFeedback(socket: ClientSocket, payload: unknown): Promise<FeedbackAck> {
    return within(
      new Promise<FeedbackAck>((resolve) => socket.emit('feedback', payload as never, resolve)),
      5000,
      'waiting for the feedback ack',
    );
  }

  it('stores drawings from both transports and HTTP, and `train --feedback` reads them back', async () => {
    const acks: FeedbackAck[] = [];
    for (const [i, transport] of TRANSPORTS.entries()) {
      const socket = await connect(server.url, transport);
      acks.push(await sendFeedback(socket, { image: drawings[i], label: i, predicted: 9 }));
    }
    const response = await fetch(`${server.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: dataUrl(drawings[2]), label: 2 }),
    });
    expect(response.status).toBe(201);
    acks.push((await response.json()) as FeedbackAck);

    for (const ack of acks) expect(ack).toEqual({ ok: true, id: expect.stringMatching(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/) });
    const files = await readdir(feedbackDir);
    for (const ack of acks) expect(files).toContain(`${(ack as { id: string }).id}.png`);

    const read = await loadFeedback(feedbackDir);
    expect(read.count).toBe(3);
    expect(Array.from(read.labels).sort()).toEqual([0, 1, 2]);
  });

  it.each<[string, string, () => Promise<unknown>]>([
    ['a label out of range', 'INVALID_PAYLOAD', async () => ({ image: drawings[0], label: 12 })],
    ['a missing label', 'INVALID_PAYLOAD', async () => ({ image: drawings[0] })],
    ['a path as the image', 'INVALID_IMAGE', async () => ({ image: '../../etc/passwd', label: 3 })],
    ['an empty canvas', 'INVALID_IMAGE', async () => ({ image: await blankCanvasPng(), label: 3 })],
  ])('refuses %s with a failed ack (%s) and stores nothing', async (_what, code, payload) => {
    const before = await readdir(feedbackDir).catch(() => []);
    const socket = await connect(server.url, 'websocket');
    const ack = await sendFeedback(socket, await payload());
    expect(ack).toEqual({ ok: false, code, message: expect.stringMatching(/^[A-Z].+\.$/) });
    expect(await readdir(feedbackDir).catch(() => [])).toEqual(before);
  });

  it('answers bad HTTP feedback with 400 {code, message}', async () => {
    const response = await fetch(`${server.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: 'AAAA', label: 'three' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('limits feedback per connection with RATE_LIMITED', async () => {
    const socket = await connect(server.url, 'websocket');
    const acks = await Promise.all(Array.from({ length: 12 }, () => sendFeedback(socket, { image: 'not base64!', label: 1 })));
    expect(acks.filter((ack) => !ack.ok && ack.code === 'RATE_LIMITED')).toHaveLength(2);
  });
});
