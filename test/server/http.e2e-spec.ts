/** The HTTP side: POST /predict in the Flask seed projects' format, /health, /metrics, the page at /. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PredictResponse } from '../../apps/server/src/recognition/predict.dto';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { connect, disconnectAll, exchange, startServer, TestServer } from './support/test-server';

describe('HTTP API', () => {
  let root: string;
  let server: TestServer;
  let drawing: Buffer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-http-'));
    await saveThrowawayModel(path.join(root, 'model'), 8, 'throwaway-http', 0.25);
    server = await startServer({ modelDir: path.join(root, 'model'), maxImageBytes: 100_000, maxMessageBytes: 400_000 });
    drawing = await drawingPng(drawnDigits(1, 33)[0]);
  });
  afterEach(disconnectAll);
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  const post = (route: string, body: string, contentType = 'application/json') =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const json = async <T = PredictResponse>(response: Response): Promise<T> => (await response.json()) as T;

  describe('POST /predict', () => {
    it('answers the seed format {"image": "data:image/png;base64,…"} with digit, probabilities, confidence, empty', async () => {
      const response = await post('/predict', JSON.stringify({ image: dataUrl(drawing) }));
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(Object.keys(body).sort()).toEqual(['confidence', 'digit', 'empty', 'probabilities']);
      expect(body.empty).toBe(false);
      expect(body.probabilities).toHaveLength(10);
      expect(body.digit).toBe(body.probabilities.indexOf(Math.max(...body.probabilities)));
      expect(body.confidence).toBe(body.probabilities[body.digit!]);
    });

    it('gives the same answer as the socket, and takes bare base64 too', async () => {
      const socket = await connect(server.url, 'websocket');
      const { prediction } = await exchange(socket, { seq: 1, image: drawing, final: true });
      const body = await json(await post('/predict', JSON.stringify({ image: drawing.toString('base64') })));
      expect(body.probabilities).toEqual(prediction!.probabilities);
    });

    it('answers an empty canvas with empty: true and no digit', async () => {
      const body = await json(await post('/predict', JSON.stringify({ image: dataUrl(await blankCanvasPng()) })));
      expect(body).toEqual({ digit: null, probabilities: new Array(10).fill(0), confidence: null, empty: true });
    });

    it.each([
      ['no image field', 'INVALID_PAYLOAD', () => JSON.stringify({ picture: 'x' })],
      ['a number for image', 'INVALID_PAYLOAD', () => JSON.stringify({ image: 42 })],
      ['an array body', 'INVALID_PAYLOAD', () => JSON.stringify([1, 2])],
      ['a body that is not JSON', 'INVALID_PAYLOAD', () => '{"image": '],
      [
        'base64 of something that is not an image',
        'INVALID_IMAGE',
        () => JSON.stringify({ image: Buffer.from('hello there').toString('base64') }),
      ],
      [
        'an image over MAX_IMAGE_BYTES',
        'IMAGE_TOO_LARGE',
        () => JSON.stringify({ image: Buffer.concat([drawing, Buffer.alloc(100_000)]).toString('base64') }),
      ],
      ['a body over the request limit', 'IMAGE_TOO_LARGE', () => JSON.stringify({ image: 'A'.repeat(500_000) })],
    ])('answers %s with 400 {code: %s, message}', async (_what, code, body) => {
      const response = await post('/predict', body());
      expect(response.status).toBe(400);
      const answer = await response.json();
      expect(answer).toEqual({ code, message: expect.stringMatching(/^[A-Z].+\.$/) });
    });
  });

  it('GET /health reports status, backend, model id and test accuracy, uptime', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      backend: 'wasm',
      model: { id: 'throwaway-http', testAccuracy: 0.25 },
      uptimeS: expect.any(Number),
    });
  });

  it('GET /metrics speaks Prometheus text with the recognition metrics', async () => {
    const socket = await connect(server.url, 'polling');
    await exchange(socket, { seq: 1, image: drawing, final: true });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const name of [
      'live_digits_frames_received_total',
      'live_digits_frames_superseded_total',
      'live_digits_predictions_total{transport="socket",empty="false"}',
      'live_digits_stage_seconds_bucket{le="0.005",stage="preprocess"}',
      'live_digits_stage_seconds_count{stage="total"}',
      'live_digits_connected_sockets 1',
      'live_digits_tf_tensors',
      'live_digits_inference_batch_size_count',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/live_digits_errors_total\{code="(INVALID_PAYLOAD|INVALID_IMAGE|IMAGE_TOO_LARGE)"\} \d+/);
  });

  it('GET / serves a placeholder page while the client is not built', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('/socket.io/socket.io.js');
  });

  it('GET / serves the built client when there is one, without shadowing the API', async () => {
    const clientDir = path.join(root, 'client-dist');
    await mkdir(path.join(clientDir, 'assets'), { recursive: true });
    await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>built client</title>');
    await writeFile(path.join(clientDir, 'assets', 'app.js'), 'console.log(1)');
    const withClient = await startServer({ modelDir: path.join(root, 'model'), clientDir });
    try {
      expect(await (await fetch(`${withClient.url}/`)).text()).toContain('built client');
      expect(await (await fetch(`${withClient.url}/assets/app.js`)).text()).toBe('console.log(1)');
      expect((await json<{ status: string }>(await fetch(`${withClient.url}/health`))).status).toBe('ok');
      expect(await (await fetch(`${withClient.url}/socket.io/socket.io.js`)).text()).toContain('Socket.IO');
    } finally {
      await withClient.close();
    }
  });

  it('allows CORS from the Vite dev server, not from elsewhere', async () => {
    const allowed = await fetch(`${server.url}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await fetch(`${server.url}/health`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    await Promise.all([allowed.text(), other.text()]);
  });
});
