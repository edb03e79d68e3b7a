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
    server = await startServer({ modelDir: path.join(root, 'model'), feedbackDir, feedbackPerMinute: 1000 });
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

  const postFeedback = (url: string, body: unknown) =>
    fetch(`${url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('limits feedback per client address, across connections and HTTP alike, with RATE_LIMITED', async () => {
    const limited = await startServer({
      modelDir: path.join(root, 'model'),
      feedbackDir: path.join(root, 'limited'),
      feedbackPerMinute: 6,
    });
    try {
      // Six from one address: five over three connections (refused as bad images, but counted), one over HTTP…
      const sockets = [
        await connect(limited.url, 'websocket'),
        await connect(limited.url, 'polling'),
        await connect(limited.url, 'websocket'),
      ];
      const allowed = await Promise.all([0, 1, 2, 0, 1].map((i) => sendFeedback(sockets[i], { image: 'not base64!', label: 1 })));
      expect(allowed.map((ack) => !ack.ok && ack.code)).toEqual(new Array(5).fill('INVALID_IMAGE'));
      expect((await postFeedback(limited.url, { image: dataUrl(drawings[0]), label: 1 })).status).toBe(201);
      // …then the seventh and later, from a new connection, an old one or over HTTP, are refused.
      const fresh = await connect(limited.url, 'websocket');
      const over = await Promise.all([
        sendFeedback(fresh, { image: drawings[0], label: 1 }),
        sendFeedback(sockets[2], { image: drawings[0], label: 1 }),
      ]);
      expect(over).toEqual([
        {
          ok: false,
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^Too many feedback drawings from your address: at most 6 a minute; .*\.$/),
        },
        { ok: false, code: 'RATE_LIMITED', message: expect.any(String) },
      ]);
      const http = await postFeedback(limited.url, { image: dataUrl(drawings[1]), label: 1 });
      expect(http.status).toBe(429);
      expect(http.headers.get('retry-after-feedback')).toMatch(/^\d+$/);
      expect(await http.json()).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/^[A-Z].+\.$/) });
      expect((await loadFeedback(path.join(root, 'limited'))).count).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('refuses feedback with STORAGE_FULL once the folder holds FEEDBACK_MAX_ITEMS drawings, over the socket and HTTP', async () => {
    const full = await startServer({ modelDir: path.join(root, 'model'), feedbackDir: path.join(root, 'full'), feedbackMaxItems: 2 });
    try {
      const socket = await connect(full.url, 'websocket');
      expect(await sendFeedback(socket, { image: drawings[0], label: 1 })).toMatchObject({ ok: true });
      expect(await sendFeedback(socket, { image: drawings[1], label: 2 })).toMatchObject({ ok: true });
      expect(await sendFeedback(socket, { image: drawings[2], label: 3 })).toEqual({
        ok: false,
        code: 'STORAGE_FULL',
        message: expect.stringMatching(/^[A-Z].+\.$/),
      });
      const response = await postFeedback(full.url, { image: dataUrl(drawings[2]), label: 3 });
      expect(response.status).toBe(507);
      expect(await response.json()).toEqual({ code: 'STORAGE_FULL', message: expect.stringMatching(/^[A-Z].+\.$/) });
      expect((await loadFeedback(path.join(root, 'full'))).count).toBe(2);
    } finally {
      await full.close();
    }
  });
});
