/** The HTTP side: POST /predict in the Flask seed projects' format, /health, /metrics, the page at /. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { Logger } from '@nestjs/common';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createApp } from '../../apps/server/src/app.factory';
import type { PredictResponse } from '../../apps/server/src/recognition/predict.dto';
import { RecognitionService } from '../../apps/server/src/recognition/recognition.service';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { QuietLogger } from './support/quiet-logger';
import { connect, disconnectAll, exchange, startServer, TestServer, within } from './support/test-server';

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
    it('answers the seed format {"image": "data:image/png;base64,…"} with digit, probabilities, confidence, empty, and the number', async () => {
      const response = await post('/predict', JSON.stringify({ image: dataUrl(drawing) }));
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(Object.keys(body).sort()).toEqual(['confidence', 'digit', 'empty', 'number', 'probabilities']);
      expect(body.number?.text).toBe(String(body.digit));
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
      expect(body).toEqual({ digit: null, probabilities: new Array(10).fill(0), confidence: null, empty: true, number: null });
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

  describe('errors', () => {
    it('answers an unknown route with 404 {code: NOT_FOUND, message}', async () => {
      for (const [method, route] of [
        ['GET', '/nowhere'],
        ['POST', '/health'],
        ['DELETE', '/predict'],
      ]) {
        const response = await fetch(`${server.url}${route}`, { method });
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: `There is no ${method} ${route} on this server.` });
      }
    });

    it('answers a server bug with 500 {code: INTERNAL_ERROR, message} that gives nothing away, and logs the stack', async () => {
      const recognition = server.app.get(RecognitionService);
      const spy = jest.spyOn(recognition, 'recognize').mockRejectedValueOnce(new TypeError('secret internals at /srv/app.js:12'));
      // Nest's Logger is one per process: the last app created owns it, so this test installs its own.
      const logged = new QuietLogger();
      Logger.overrideLogger(logged);
      try {
        const response = await post('/predict', JSON.stringify({ image: dataUrl(drawing) }));
        expect(response.status).toBe(500);
        const body = (await response.json()) as { code: string; message: string };
        expect(body).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringMatching(/^[A-Z].+\.$/) });
        expect(body.message).not.toContain('secret');
        expect(logged.find('error', /secret internals/)).toHaveLength(1);
      } finally {
        spy.mockRestore();
      }
    });

    it('answers a body that cannot be read with 400 INVALID_PAYLOAD, not an HTML page', async () => {
      const response = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: Buffer.from('definitely not gzip'),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^[A-Z].+\.$/) });
    });
  });

  it('sends helmet headers and no X-Powered-By, on the API and the page', async () => {
    for (const route of ['/health', '/', '/nowhere']) {
      const response = await fetch(`${server.url}${route}`);
      await response.arrayBuffer();
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    }
  });

  describe('rate limits', () => {
    it('limits POST /predict per client address with 429 {code: RATE_LIMITED, message} and Retry-After', async () => {
      const limited = await startServer({ modelDir: path.join(root, 'model'), predictPerMinute: 3 });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await post2(limited, '/predict', { image: dataUrl(drawing) })).status);
        expect(statuses).toEqual([200, 200, 200]);
        const refused = await post2(limited, '/predict', { image: dataUrl(drawing) });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after-predict'))).toBeGreaterThan(0);
        expect(await refused.json()).toEqual({
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^Too many predictions from your address: at most 3 a minute; try again in \d+ s\.$/),
        });
        // The other limits are separate: health and feedback still answer.
        expect((await fetch(`${limited.url}/health`)).status).toBe(200);
        expect((await post2(limited, '/feedback', { image: 'x!', label: 1 })).status).toBe(400);
      } finally {
        await limited.close();
      }
    });
  });

  it('counts clients behind TRUST_PROXY_HOPS reverse proxies by their forwarded address, and ignores the header otherwise', async () => {
    const proxied = await startServer({ modelDir: path.join(root, 'model'), predictPerMinute: 1, trustProxyHops: 1 });
    const direct = await startServer({ modelDir: path.join(root, 'model'), predictPerMinute: 1 });
    try {
      const from = (target: TestServer, forwardedFor: string) =>
        fetch(`${target.url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
          body: JSON.stringify({ image: dataUrl(drawing) }),
        }).then((response) => response.status);
      expect([await from(proxied, '198.51.100.1'), await from(proxied, '198.51.100.2'), await from(proxied, '198.51.100.1')]).toEqual([
        200, 200, 429,
      ]);
      // Without a trusted proxy the header is the client's own claim: one address, one budget.
      expect([await from(direct, '198.51.100.1'), await from(direct, '198.51.100.2')]).toEqual([200, 429]);
    } finally {
      await Promise.all([proxied.close(), direct.close()]);
    }
  });

  const post2 = (target: TestServer, route: string, body: unknown) =>
    fetch(`${target.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  describe('GET /metrics with METRICS_TOKEN', () => {
    it('answers 401 {code: UNAUTHORIZED} without the bearer token, and the metrics with it', async () => {
      const guarded = await startServer({ modelDir: path.join(root, 'model'), metricsToken: 's3cret-token' });
      try {
        for (const authorization of [undefined, 'Bearer wrong', 'Basic czNjcmV0LXRva2Vu', 'Bearer s3cret-token-and-more']) {
          const response = await fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
          expect(await response.json()).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(/^[A-Z].+\.$/) });
        }
        const response = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer s3cret-token' } });
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('live_digits_frames_received_total');
      } finally {
        await guarded.close();
      }
    });
  });

  describe('OpenAPI', () => {
    it('serves the document generated from the DTOs at /docs-json and its UI at /docs', async () => {
      const document = (await (await fetch(`${server.url}/docs-json`)).json()) as {
        openapi: string;
        paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
      };
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths).sort()).toEqual(['/feedback', '/health', '/metrics', '/predict']);
      expect(Object.keys(document.paths['/predict'].post.responses).sort()).toEqual(['200', '400', '422', '429', '503']);
      expect(Object.keys(document.components.schemas.PredictResponseDto.properties ?? {})).toEqual([
        'digit',
        'probabilities',
        'confidence',
        'empty',
        'number',
        'insight',
      ]);
      expect(Object.keys(document.components.schemas.DigitReadingDto.properties ?? {})).toEqual([
        'digit',
        'confidence',
        'probabilities',
        'box',
        'insight',
      ]);
      expect(document.components.schemas.PredictResponseDto.required).not.toContain('insight');
      expect(Object.keys(document.paths['/feedback'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '429', '507']));
      expect(document.components.schemas.FeedbackDto.required).toEqual(['image', 'label']);
      expect(Object.keys(document.components.schemas.FeedbackDto.properties ?? {})).toEqual(['image', 'label', 'predicted']);
      expect(JSON.stringify(document.components.schemas.ApiErrorDto)).toContain('STORAGE_FULL');

      const ui = await fetch(`${server.url}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
    });
  });

  describe('slow requests', () => {
    let slow: TestServer;
    beforeAll(async () => {
      slow = await startServer({ modelDir: path.join(root, 'model'), requestTimeoutMs: 1500, headersTimeoutMs: 1000 });
    });
    afterAll(() => slow?.close());

    /** Sends `head` at once, then one byte of `trickle` every 100 ms; resolves when the server closes the connection. */
    function trickle(head: string, trickled: string): Promise<{ answer: string; ms: number }> {
      const { port } = new URL(slow.url);
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const socket = connectTcp(Number(port), '127.0.0.1');
        let answer = '';
        let sent = 0;
        const timer = setInterval(() => {
          if (sent < trickled.length && !socket.destroyed) socket.write(trickled[sent++]);
        }, 100);
        socket.on('connect', () => socket.write(head));
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
        socket.on('error', (error) => (answer ? undefined : reject(error)));
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ answer, ms: performance.now() - started });
        });
      });
    }

    it.each([
      [
        'a body',
        'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n',
        '{"image":"' + 'A'.repeat(500),
      ],
      ['headers', 'POST /predict HTTP/1.1\r\n', 'Host: x\r\nX-Slow: ' + 'a'.repeat(500)],
    ])('cuts %s trickled byte by byte with 408 once the timeout passes', async (_what, head, trickled) => {
      const { answer, ms } = await within(trickle(head, trickled), 20_000, 'waiting for the server to cut the request');
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      // Cut after the timeout (1 s for headers, 1.5 s for the request), well before the 50 s the trickle would take.
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(15_000);
    });
  });

  it('LOG_FORMAT=json logs one JSON object per line', async () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let app: Awaited<ReturnType<typeof createApp>> | undefined;
    try {
      app = await createApp({ ...server.config, logFormat: 'json', port: 0 });
      await app.init();
    } finally {
      write.mockRestore();
      await app?.close();
      Logger.overrideLogger(new QuietLogger()); // back to quiet for the tests after this one
    }
    const lines = written.join('').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), message: expect.anything() });
    expect(lines.map((line) => JSON.parse(line) as { context?: string }).some((entry) => entry.context === 'ModelService')).toBe(true);
  });
});
