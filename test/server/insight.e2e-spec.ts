/**
 * "See the network think" end to end: frames asking for insight over Socket.IO get the network's
 * input, saliency and activations as binary planes; `POST /predict?insight=1` gets them as base64.
 */
import * as path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { DigitInsight } from '@live-digits/shared';
import { DEFAULT_MODEL_DIR } from '@live-digits/shared/model/model-files';
import { INSIGHT_MAX_BYTES, insightBytes } from '../../apps/server/src/recognition/insight/insight-encoding';
import { ModelService } from '../../apps/server/src/recognition/model.service';
import type { PredictResponse } from '../../apps/server/src/recognition/predict.dto';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { connect, disconnectAll, exchange, startServer, TestServer, TRANSPORTS } from './support/test-server';

const REAL_MODEL_DIR = path.resolve(__dirname, '../..', DEFAULT_MODEL_DIR);

/** The planes as a Node client receives them: binary, never arrays of numbers. */
function expectConsistent(insight: DigitInsight): void {
  const bytes = (data: unknown) => {
    expect(data).toBeInstanceOf(Uint8Array); // socket.io-client in Node hands over a Buffer
    return data as Uint8Array;
  };
  expect(insight.input).toMatchObject({ width: 28, height: 28 });
  expect(bytes(insight.input.data)).toHaveLength(28 * 28);
  expect(insight.saliency).toMatchObject({ width: 28, height: 28 });
  expect(bytes(insight.saliency.data)).toHaveLength(28 * 28);
  expect(Math.max(...bytes(insight.saliency.data))).toBe(255);
  for (const layer of insight.layers) {
    expect(bytes(layer.data)).toHaveLength(layer.channels * layer.height * layer.width);
    expect(layer.channelIndices).toHaveLength(layer.channels);
    expect(layer.channels).toBeLessThanOrEqual(layer.totalChannels);
  }
  expect(insight.placement.scale).toBeGreaterThan(0);
  expect(Number.isFinite(insight.placement.dx) && Number.isFinite(insight.placement.dy)).toBe(true);
}

describe('network insight (throwaway model)', () => {
  let modelDir: string;
  let server: TestServer;
  let drawing: Buffer;

  beforeAll(async () => {
    modelDir = await mkdtemp(path.join(tmpdir(), 'e2e-insight-'));
    await saveThrowawayModel(modelDir, 12, 'throwaway-insight', 0.5);
    server = await startServer({ modelDir });
    drawing = await drawingPng(drawnDigits(1, 7)[0]);
  });
  afterEach(() => {
    disconnectAll();
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await server?.close();
    await rm(modelDir, { recursive: true, force: true });
  });

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it('answers a frame asking for insight with the top guess explained: consistent shapes, binary planes', async () => {
      const socket = await connect(server.url, transport);
      const { prediction: plain } = await exchange(socket, { seq: 1, image: drawing, final: true });
      const { prediction } = await exchange(socket, { seq: 2, image: drawing, final: true, insight: true });
      const insight = prediction!.insight!;
      expect(insight.digit).toBe(prediction!.digit);
      expect(insight.layers.map(({ kind, width, height, channels }) => ({ kind, width, height, channels }))).toEqual([
        { kind: 'conv', width: 26, height: 26, channels: 4 },
        { kind: 'pool', width: 13, height: 13, channels: 4 },
        { kind: 'dense', width: 10, height: 1, channels: 1 },
      ]);
      expectConsistent(insight);
      // The explaining pass answers as the plain one does, and the first digit carries the same insight.
      prediction!.probabilities.forEach((p, d) => expect(p).toBeCloseTo(plain!.probabilities[d], 5));
      expect(prediction!.number!.digits[0].insight).toEqual(insight);
    });

    it('explains the digit asked for ("why not 7?")', async () => {
      const socket = await connect(server.url, transport);
      const { prediction } = await exchange(socket, { seq: 1, image: drawing, final: true, insight: { digit: 7 } });
      expect(prediction!.insight!.digit).toBe(7);
      expectConsistent(prediction!.insight!);
    });

    it('computes and sends nothing for a frame that does not ask', async () => {
      const explain = jest.spyOn(server.app.get(ModelService), 'explain');
      const socket = await connect(server.url, transport);
      const { prediction } = await exchange(socket, { seq: 1, image: drawing, final: true });
      expect(prediction!.insight).toBeUndefined();
      expect(prediction!.number!.digits[0].insight).toBeUndefined();
      expect(explain).not.toHaveBeenCalled();
    });
  });

  it('has no insight for an empty canvas: nothing drawn, nothing to explain', async () => {
    const socket = await connect(server.url, 'websocket');
    const { prediction } = await exchange(socket, { seq: 1, image: await blankCanvasPng(), final: true, insight: true });
    expect(prediction).toMatchObject({ empty: true, digit: null });
    expect(prediction!.insight).toBeUndefined();
  });

  it.each([
    ['false', false],
    ['a number', 1],
    ['a digit above 9', { digit: 10 }],
    ['a fractional digit', { digit: 2.5 }],
    ['a digit as text', { digit: '7' }],
    ['an extra field', { digit: 7, layers: 'all' }],
  ])('refuses %s as insight with INVALID_PAYLOAD', async (_, insight) => {
    const socket = await connect(server.url, 'websocket');
    const { error } = await exchange(socket, { seq: 1, image: drawing, final: true, insight: insight as never });
    expect(error).toMatchObject({ seq: 1, code: 'INVALID_PAYLOAD' });
    expect(error!.message).toMatch(/insight must be true \(the top guess\) or \{ digit \} with a whole number from 0 to 9/);
  });

  describe('POST /predict?insight=1', () => {
    const post = (query: string) =>
      fetch(`${server.url}/predict${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: dataUrl(drawing) }),
      });

    it.each(['?insight=1', '?insight=true'])('%s answers the same insight with base64 planes', async (query) => {
      const socket = await connect(server.url, 'websocket');
      const { prediction } = await exchange(socket, { seq: 1, image: drawing, final: true, insight: true });
      const response = await post(query);
      expect(response.status).toBe(200);
      const body = (await response.json()) as PredictResponse;
      const insight = body.insight!;
      expect(typeof insight.input.data).toBe('string');
      const fromSocket = prediction!.insight!;
      expect(Buffer.from(insight.input.data, 'base64')).toEqual(Buffer.from(fromSocket.input.data as Uint8Array));
      expect(Buffer.from(insight.saliency.data, 'base64')).toEqual(Buffer.from(fromSocket.saliency.data as Uint8Array));
      insight.layers.forEach((layer, i) => {
        expect(Buffer.from(layer.data, 'base64')).toHaveLength(layer.channels * layer.height * layer.width);
        expect({ ...layer, data: undefined }).toEqual({ ...fromSocket.layers[i], data: undefined });
      });
      expect(insight.digit).toBe(body.digit);
      expect(insight.placement).toEqual(fromSocket.placement);
      expect(body.number!.digits[0].insight).toEqual(insight);
    });

    it('without the query answers as before, with no insight', async () => {
      const body = (await (await post('')).json()) as PredictResponse;
      expect(Object.keys(body).sort()).toEqual(['confidence', 'digit', 'empty', 'number', 'probabilities']);
      expect(body.number?.digits.every((reading) => reading.insight === undefined)).toBe(true);
    });

    it.each(['?insight=0', '?insight=yes', '?insight=1&insight=1'])('%s → 400 INVALID_PAYLOAD', async (query) => {
      const response = await post(query);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.stringMatching(/insight must be 1 or true/) });
    });
  });
});

describe('network insight (the committed model)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ modelDir: REAL_MODEL_DIR });
  });
  afterEach(disconnectAll);
  afterAll(() => server?.close());

  it('sends every conv, pool and dense layer of digit-net within 64 KB a digit, and explains the right digit', async () => {
    const digit = drawnDigits(10, 2024).find((drawn) => drawn.label === 4)!;
    const socket = await connect(server.url, 'websocket');
    const { prediction } = await exchange(socket, { seq: 1, image: await drawingPng(digit), final: true, insight: true });
    const insight = prediction!.insight as DigitInsight<Uint8Array>;
    expectConsistent(insight);
    expect(prediction!.digit).toBe(4);
    expect(insight.digit).toBe(4);
    expect(insight.layers.map((layer) => layer.kind)).toEqual(['conv', 'conv', 'pool', 'conv', 'conv', 'pool', 'dense', 'dense']);
    expect(insightBytes(insight)).toBeLessThanOrEqual(INSIGHT_MAX_BYTES);
    // The saliency sits on the ink the model saw.
    const onInk = insight.saliency.data.reduce((sum, value, p) => sum + (insight.input.data[p] > 0 ? value : 0), 0);
    expect(onInk / insight.saliency.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.99);
  });
});
