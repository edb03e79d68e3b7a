/**
 * Every kind of bad frame gets its own clear error code, and nothing else is disturbed: a second
 * client streaming at the same time keeps getting the same answers it got before the attack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { SOCKET_PATH, type FrameErrorPayload } from '@live-digits/shared';
import { floodAllowance } from '../../apps/server/src/common/socket-admission';
import { transportBufferBytes } from '../../apps/server/src/common/configured-io.adapter';
import { drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import {
  ClientSocket,
  connect,
  disconnectAll,
  exchange,
  nextEvent,
  record,
  sleep,
  startServer,
  TestServer,
  TRANSPORTS,
  within,
} from './support/test-server';

const MAX_IMAGE_BYTES = 300_000;
/** Long enough to try a connection inside it on a slow machine, short enough to wait out. */
const FLOOD_COOLDOWN_SECONDS = 4;

describe('bad frames', () => {
  let modelDir: string;
  let server: TestServer;
  let drawing: Buffer;
  let baseline: number[];
  let pixelBomb: Buffer;

  beforeAll(async () => {
    modelDir = await mkdtemp(path.join(tmpdir(), 'e2e-bad-'));
    await saveThrowawayModel(modelDir, 5, 'throwaway-bad');
    server = await startServer({
      modelDir,
      maxImageBytes: MAX_IMAGE_BYTES,
      maxMessageBytes: 4 * MAX_IMAGE_BYTES,
      debounceMs: 0,
      maxWaitMs: 0,
      floodCooldownSeconds: FLOOD_COOLDOWN_SECONDS,
    });
    drawing = await drawingPng(drawnDigits(1, 21)[0]);
    // 6000×6000 pixels of one grey compress to a few kB: small on the wire, 36 megapixels decoded.
    pixelBomb = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: { r: 200, g: 200, b: 200 } } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const probe = await connect(server.url, 'websocket');
    baseline = (await exchange(probe, { seq: 1, image: drawing, final: true })).prediction!.probabilities;
    probe.disconnect();
  });
  // A test that fails half-way still stops its bystander, whose next exchange would otherwise time
  // out against a closed server and fail whichever test file runs next.
  const stopBystanders = new Set<() => Promise<unknown>>();
  afterEach(async () => {
    await Promise.all([...stopBystanders].map((stop) => stop().catch(() => undefined)));
    disconnectAll();
  });
  afterAll(async () => {
    await server?.close();
    await rm(modelDir, { recursive: true, force: true });
  });

  /** A well-behaved client streaming the same drawing, checking every answer against the baseline. */
  async function bystander(transport: 'websocket' | 'polling') {
    const socket = await connect(server.url, transport);
    let seq = 0;
    let running = true;
    const problems: string[] = [];
    let answered = 0;
    const loop = (async () => {
      while (running) {
        const { prediction, error } = await exchange(socket, { seq: ++seq, image: drawing, final: true }, 10_000);
        if (error) problems.push(`${error.code}: ${error.message}`);
        else if (JSON.stringify(prediction!.probabilities) !== JSON.stringify(baseline))
          problems.push(`seq ${seq}: different probabilities`);
        else answered++;
        await sleep(40);
      }
    })();
    loop.catch(() => undefined); // reported by stop(), not as an unhandled rejection
    const stop = async () => {
      stopBystanders.delete(stop);
      running = false;
      await loop;
    };
    stopBystanders.add(stop);
    return {
      stop: async () => {
        await stop();
        return { problems, answered };
      },
    };
  }

  /** Resolves once the client has sent what it queued (over long-polling: its POST was answered), or its connection ended. */
  function flushed(socket: ClientSocket): Promise<void> {
    const engine = socket.io.engine;
    return new Promise<void>((resolve) => {
      const done = () => {
        engine.off('drain', done);
        engine.off('close', done);
        resolve();
      };
      engine.on('drain', done);
      engine.on('close', done);
    });
  }

  async function firstError(socket: ClientSocket, send: () => void): Promise<FrameErrorPayload> {
    const error = nextEvent(socket, 'frame:error');
    send();
    return error;
  }

  describe.each(TRANSPORTS)('over %s', (transport) => {
    const cases: Array<[string, FrameErrorPayload['code'], number | null, () => unknown]> = [
      ['not an object', 'INVALID_PAYLOAD', null, () => 'hello'],
      ['a missing seq', 'INVALID_PAYLOAD', null, () => ({ image: drawing })],
      ['a non-numeric seq', 'INVALID_PAYLOAD', null, () => ({ seq: 'one', image: drawing })],
      ['a wrong image type', 'INVALID_PAYLOAD', 7, () => ({ seq: 7, image: { png: true } })],
      ['bytes that are not an image', 'INVALID_IMAGE', 8, () => ({ seq: 8, image: Buffer.from('GIF89a, or rather not') })],
      ['a string that is neither a data URL nor base64', 'INVALID_IMAGE', 9, () => ({ seq: 9, image: 'data:text/plain,hi' })],
      ['a truncated PNG', 'INVALID_IMAGE', 10, () => ({ seq: 10, image: drawing.subarray(0, Math.floor(drawing.length * 0.6)) })],
      ['a PNG without its IEND chunk', 'INVALID_IMAGE', 13, () => ({ seq: 13, image: drawing.subarray(0, drawing.length - 12) })],
      [
        'an image over the limit as base64 text',
        'IMAGE_TOO_LARGE',
        14,
        () => ({ seq: 14, image: Buffer.alloc(2 * MAX_IMAGE_BYTES).toString('base64') }),
      ],
      ['huge dimensions (a pixel bomb)', 'IMAGE_TOO_LARGE', 11, () => ({ seq: 11, image: pixelBomb })],
      ['oversize bytes', 'IMAGE_TOO_LARGE', 12, () => ({ seq: 12, image: Buffer.concat([drawing, Buffer.alloc(MAX_IMAGE_BYTES)]) })],
    ];

    it.each(cases)('%s → %s, while another client keeps getting right predictions', async (_what, code, seq, payload) => {
      const other = await bystander(transport === 'websocket' ? 'polling' : 'websocket');
      const socket = await connect(server.url, transport);
      await sleep(60);
      const error = await firstError(socket, () => socket.emit('frame', payload() as never));
      expect(error).toMatchObject({ code, seq });
      expect(error.message).toMatch(/^[A-Z].{10,}\.$/); // a sentence
      // The offending connection stays usable.
      await expect(exchange(socket, { seq: 100, image: drawing, final: true })).resolves.toMatchObject({ prediction: { seq: 100 } });
      const { problems, answered } = await other.stop();
      expect(problems).toEqual([]);
      expect(answered).toBeGreaterThanOrEqual(1);
    });

    it('a flood → RATE_LIMITED for what exceeds the rate, then a disconnect, while another client keeps getting right predictions', async () => {
      const other = await bystander(transport === 'websocket' ? 'polling' : 'websocket');
      const socket = await connect(server.url, transport);
      const errors = record(socket, 'frame:error');
      const predictions = record(socket, 'prediction');
      const disconnected = within(
        new Promise<string>((resolve) => socket.once('disconnect', resolve)),
        20_000,
        'waiting for the disconnect',
      );
      const socketId = socket.id;
      for (let seq = 1; seq <= 300 && socket.connected; seq++) {
        socket.emit('frame', { seq, image: drawing });
        // Long-polling sends what is queued in one request: 300 drawings in one would pass
        // maxHttpBufferSize and be cut by Engine.IO, not by the flood guard. In requests of 20 frames
        // every one reaches the server, as fast as the client can post them.
        if (transport === 'polling' && seq % 20 === 0) await flushed(socket);
      }
      // 30 frames/s with a burst of 30 pass; floodAllowance(30) more are refused one by one; the
      // next refusal says the connection is being closed, and it is. However long the server takes
      // over the flood, the bucket refills by at most the rate, so these counts hold on a slow machine.
      expect(errors.every((e) => e.code === 'RATE_LIMITED')).toBe(true);
      if (transport === 'websocket') {
        await expect(disconnected).resolves.toBe('io server disconnect');
        expect(errors.length).toBeGreaterThanOrEqual(floodAllowance(30) + 1);
        expect(errors.at(-1)!.message).toMatch(/disconnected/);
        expect(errors.slice(0, -1).every((e) => !/disconnected/.test(e.message))).toBe(true);
      } else {
        // Long-polling's client may still be posting the rest of the flood when the server closes:
        // it sees its request fail ("transport error") before reading the answers queued for it.
        await expect(disconnected).resolves.toMatch(/io server disconnect|transport (error|close)/);
        // It was the flood guard that closed it, whatever the client saw first.
        expect(server.logger.find('warn', new RegExp(`Disconnecting socket ${socketId}: it kept sending frames`))).toHaveLength(1);
      }
      expect(predictions.length + errors.length).toBeLessThan(300);
      // Its address may not open a new connection for a while: turned away at the handshake,
      // on either transport, saying why…
      const refusedAt = Date.now();
      await expect(connect(server.url, 'websocket')).rejects.toThrow();
      const handshake = await fetch(`${server.url}${SOCKET_PATH}/?EIO=4&transport=polling`);
      expect(handshake.status).toBe(403);
      expect(await handshake.text()).toMatch(/disconnected for flooding; connect again in \d+ s/);
      // …while the bystander, connected already from the same address, is served throughout…
      const { problems, answered } = await other.stop();
      expect(problems).toEqual([]);
      expect(answered).toBeGreaterThanOrEqual(1);
      // …and once the cool-down is over it may connect again.
      await sleep(Math.max(0, FLOOD_COOLDOWN_SECONDS * 1000 - (Date.now() - refusedAt)));
      const again = await connect(server.url, transport);
      await expect(exchange(again, { seq: 1, image: drawing, final: true })).resolves.toMatchObject({ prediction: { seq: 1 } });
    }, 60_000);

    it('a message over maxHttpBufferSize closes only that connection; the server and others carry on', async () => {
      const other = await bystander(transport === 'websocket' ? 'polling' : 'websocket');
      const socket = await connect(server.url, transport);
      const disconnected = within(new Promise<string>((resolve) => socket.once('disconnect', resolve)), 5000, 'waiting for the disconnect');
      socket.emit('frame', { seq: 1, image: Buffer.alloc(transportBufferBytes(4 * MAX_IMAGE_BYTES) + 1024) });
      await expect(disconnected).resolves.toMatch(/close|error/);
      const fresh = await connect(server.url, transport);
      await expect(exchange(fresh, { seq: 1, image: drawing, final: true })).resolves.toMatchObject({ prediction: { seq: 1 } });
      const { problems } = await other.stop();
      expect(problems).toEqual([]);
    });
  });

  it('a seq that goes backwards → INVALID_PAYLOAD for that frame', async () => {
    const socket = await connect(server.url, 'websocket');
    await exchange(socket, { seq: 5, image: drawing, final: true });
    const error = await firstError(socket, () => socket.emit('frame', { seq: 3, image: drawing, final: true }));
    expect(error).toMatchObject({ seq: 3, code: 'INVALID_PAYLOAD' });
  });
});
