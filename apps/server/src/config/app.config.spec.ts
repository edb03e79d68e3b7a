import * as path from 'node:path';
import { ConfigError, loadConfig } from './app.config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment, paths resolved from the working directory', () => {
    const sut = loadConfig({}, '/srv/live-digits');
    expect(sut).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      modelDir: path.resolve('/srv/live-digits/models/digit-net'),
      tfjsBackend: undefined,
      debounceMs: 60,
      maxWaitMs: 200,
      batchWindowMs: 2,
      batchMaxSize: 32,
      maxImageBytes: 1_000_000,
      maxImageSide: 2048,
      rateLimitFps: 30,
      feedbackDir: path.resolve('/srv/live-digits/data/feedback'),
      clientDir: path.resolve('/srv/live-digits/apps/client/dist'),
      corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      heapGrowingPercent: 100,
    });
    expect(sut.maxMessageBytes).toBeGreaterThan(sut.maxImageBytes);
  });

  it('reads every variable', () => {
    const sut = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        MODEL_DIR: '/models/x',
        TFJS_BACKEND: 'cpu',
        DEBOUNCE_MS: '0',
        MAX_WAIT_MS: '0',
        MAX_IMAGE_BYTES: '2048',
        MAX_IMAGE_SIDE: '512',
        RATE_LIMIT_FPS: '5',
        CORS_ORIGINS: 'https://a.example, http://b.example:8080',
        FEEDBACK_DIR: 'fb',
        HEAP_GROWING_PERCENT: '0',
      },
      '/cwd',
    );
    expect(sut).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      modelDir: '/models/x',
      tfjsBackend: 'cpu',
      debounceMs: 0,
      maxWaitMs: 0,
      maxImageBytes: 2048,
      maxImageSide: 512,
      rateLimitFps: 5,
      corsOrigins: ['https://a.example', 'http://b.example:8080'],
      feedbackDir: '/cwd/fb',
      heapGrowingPercent: 0,
    });
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe(true);
    expect(loadConfig({ TFJS_BACKEND: 'auto' }).tfjsBackend).toBeUndefined();
  });

  it('fails once, naming every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        TFJS_BACKEND: 'webgl',
        DEBOUNCE_MS: '-1',
        RATE_LIMIT_FPS: '2.5',
        CORS_ORIGINS: 'localhost:5173',
        HEAP_GROWING_PERCENT: '5000',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(6);
    for (const name of ['PORT', 'TFJS_BACKEND', 'DEBOUNCE_MS', 'RATE_LIMIT_FPS', 'CORS_ORIGINS', 'HEAP_GROWING_PERCENT'])
      expect(message).toContain(name);
    expect(message).toContain('"eighty"');
  });

  it('refuses a maximum wait shorter than the debounce', () => {
    expect(() => loadConfig({ DEBOUNCE_MS: '100', MAX_WAIT_MS: '50' })).toThrow(
      /MAX_WAIT_MS \(50\) must not be smaller than DEBOUNCE_MS \(100\)/,
    );
  });

  it('reads the hardening variables: feedback quota, HTTP rate limit, metrics token, timeouts, log format, model check', () => {
    expect(loadConfig({})).toMatchObject({
      feedbackMaxItems: 100_000,
      feedbackMaxBytes: 1_000_000_000,
      predictPerMinute: 1200,
      metricsToken: undefined,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      logFormat: 'text',
      modelCheckDigits: 300,
      trustProxyHops: 0,
    });
    expect(
      loadConfig({
        FEEDBACK_MAX_ITEMS: '5',
        FEEDBACK_MAX_BYTES: '1000',
        PREDICT_PER_MINUTE: '60',
        METRICS_TOKEN: ' s3cret ',
        REQUEST_TIMEOUT_MS: '5000',
        HEADERS_TIMEOUT_MS: '2000',
        LOG_FORMAT: 'json',
        MODEL_CHECK_DIGITS: '0',
        TRUST_PROXY_HOPS: '1',
      }),
    ).toMatchObject({
      feedbackMaxItems: 5,
      feedbackMaxBytes: 1000,
      predictPerMinute: 60,
      metricsToken: 's3cret',
      requestTimeoutMs: 5000,
      headersTimeoutMs: 2000,
      logFormat: 'json',
      modelCheckDigits: 0,
      trustProxyHops: 1,
    });
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be text or json \(got "xml"\)/);
    expect(() => loadConfig({ FEEDBACK_MAX_ITEMS: '0' })).toThrow(/FEEDBACK_MAX_ITEMS must be a whole number/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HEADERS_TIMEOUT_MS \(20000\) must not be larger than REQUEST_TIMEOUT_MS \(10000\)/,
    );
  });
});
