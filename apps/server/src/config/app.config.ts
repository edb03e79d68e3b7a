/**
 * The server's configuration: read from the environment once, at boot, into one typed object.
 * Nothing else in the server reads `process.env`; everything asks for {@link AppConfig}.
 * Every bad variable is collected, so a misconfigured start fails with one message naming all of them.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { DEFAULT_MODEL_DIR } from '@live-digits/shared/model/model-files';
import { BACKEND_NAMES, BackendName, isBackendName } from '@live-digits/shared/tf/tf';

export interface AppConfig {
  port: number;
  host: string;
  /** Absolute path of the model folder, read through the model package (libs/shared/src/model). */
  modelDir: string;
  /** Force one TensorFlow.js backend; undefined = the fastest that starts. */
  tfjsBackend: BackendName | undefined;
  /** How often the model folder is checked for a new model; 0 turns watching off (SIGHUP still reloads). */
  modelWatchMs: number;
  /** Trailing debounce per socket: a frame is processed this long after the last one arrived… */
  debounceMs: number;
  /** …but never later than this after the first unprocessed one, so a continuous stream still updates. */
  maxWaitMs: number;
  /** A micro-batch closes this long after its first frame… */
  batchWindowMs: number;
  /** …or as soon as it holds this many frames. */
  batchMaxSize: number;
  /** Threads that decode and preprocess frames off the event loop; 0 preprocesses on it. */
  preprocessWorkers: number;
  maxImageBytes: number;
  maxImageSide: number;
  /** Socket.IO's per-message cap; larger messages close the connection, so it sits well above maxImageBytes. */
  maxMessageBytes: number;
  rateLimitFps: number;
  /** Seconds an address disconnected for flooding may not open new connections (0: it may at once). */
  floodCooldownSeconds: number;
  feedbackPerMinute: number;
  /** Origins allowed by CORS besides the server's own; `true` = any origin. */
  corsOrigins: string[] | true;
  feedbackDir: string;
  /** The built Vue client; a placeholder page is served while it is missing. */
  clientDir: string;
  /** How long SIGTERM waits for in-flight frames before closing sockets anyway. */
  shutdownGraceMs: number;
  /** How far V8 lets the old generation grow past its live size before the next full GC, in percent; 0 leaves it to V8. */
  heapGrowingPercent: number;
  /** MNIST test digits a new model must score close to its recorded test accuracy on before it serves; 0 skips the check. */
  modelCheckDigits: number;
  /** The feedback folder's quota: past either, feedback is refused with STORAGE_FULL. */
  feedbackMaxItems: number;
  feedbackMaxBytes: number;
  /** `POST /predict` requests per minute per client address. */
  predictPerMinute: number;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Node's HTTP server: the whole request must arrive within requestTimeoutMs, its headers within headersTimeoutMs. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** `text` (Nest's coloured lines) or `json` (one JSON object per line). */
  logFormat: 'text' | 'json';
  /** Reverse proxies in front of the server whose X-Forwarded-For is trusted to name the client (rate limits are per client address). */
  trustProxyHops: number;
  /** Worker processes behind this one's port (Node cluster, sticky sessions: apps/server/src/scale); 0 = this process serves alone. */
  clusterWorkers: number;
  /** Redis, when several nodes serve together: Socket.IO's Redis adapter, presence, model swaps, HTTP rate limits; never frames. */
  redisUrl: string | undefined;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}.`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses and validates the environment; throws one {@link ConfigError} listing every bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const directory = (name: string, fallback: string): string => path.resolve(cwd, read(name) ?? fallback);

  const backendRaw = read('TFJS_BACKEND');
  let tfjsBackend: BackendName | undefined;
  if (backendRaw !== undefined && backendRaw !== 'auto') {
    if (isBackendName(backendRaw)) tfjsBackend = backendRaw;
    else problems.push(`TFJS_BACKEND must be one of auto, ${BACKEND_NAMES.join(', ')} (got "${backendRaw}")`);
  }

  const host = read('HOST') ?? '0.0.0.0';
  if (/\s/.test(host)) problems.push(`HOST must be a host name or address (got "${host}")`);

  const maxImageBytes = integer('MAX_IMAGE_BYTES', 1_000_000, 1024, 64_000_000);
  const clusterWorkers = read('CLUSTER_WORKERS') === 'auto' ? os.availableParallelism() : integer('CLUSTER_WORKERS', 0, 0, 64);
  const config: AppConfig = {
    port: integer('PORT', 3000, 0, 65535),
    host,
    modelDir: directory('MODEL_DIR', DEFAULT_MODEL_DIR),
    tfjsBackend,
    modelWatchMs: integer('MODEL_WATCH_MS', 1000, 0, 3_600_000),
    debounceMs: integer('DEBOUNCE_MS', 60, 0, 10_000),
    maxWaitMs: integer('MAX_WAIT_MS', 200, 0, 60_000),
    batchWindowMs: integer('BATCH_WINDOW_MS', 2, 0, 1000),
    batchMaxSize: integer('BATCH_MAX_SIZE', 32, 1, 1024),
    // The event loop runs inference on one core; threads preprocess on the others (`npm run bench:server`).
    // In a cluster every worker has its own event loop, so workers × (1 + threads) stays within the cores.
    preprocessWorkers: integer('PREPROCESS_WORKERS', defaultPreprocessWorkers(clusterWorkers), 0, 64),
    maxImageBytes,
    maxImageSide: integer('MAX_IMAGE_SIDE', 2048, IMAGE_SIDE, 16_384),
    // Base64 text is 4/3 of the bytes; the margin lets an oversize image still be answered with IMAGE_TOO_LARGE.
    maxMessageBytes: integer('MAX_MESSAGE_BYTES', 4 * maxImageBytes, 1024, 256 * 1024 * 1024),
    rateLimitFps: integer('RATE_LIMIT_FPS', 30, 1, 1_000_000),
    floodCooldownSeconds: integer('FLOOD_COOLDOWN_SECONDS', 10, 0, 3600),
    feedbackPerMinute: integer('FEEDBACK_PER_MINUTE', 30, 1, 1_000_000),
    corsOrigins: parseOrigins(read('CORS_ORIGINS'), problems),
    feedbackDir: directory('FEEDBACK_DIR', 'data/feedback'),
    clientDir: directory('CLIENT_DIR', 'apps/client/dist'),
    shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', 5000, 0, 600_000),
    heapGrowingPercent: integer('HEAP_GROWING_PERCENT', 100, 0, 1000),
    modelCheckDigits: integer('MODEL_CHECK_DIGITS', 300, 0, 10_000),
    feedbackMaxItems: integer('FEEDBACK_MAX_ITEMS', 100_000, 1, 1_000_000_000),
    feedbackMaxBytes: integer('FEEDBACK_MAX_BYTES', 1_000_000_000, 1, Number.MAX_SAFE_INTEGER),
    predictPerMinute: integer('PREDICT_PER_MINUTE', 1200, 1, 1_000_000),
    metricsToken: read('METRICS_TOKEN'),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    headersTimeoutMs: integer('HEADERS_TIMEOUT_MS', 10_000, 1000, 3_600_000),
    logFormat: parseLogFormat(read('LOG_FORMAT'), problems),
    trustProxyHops: integer('TRUST_PROXY_HOPS', 0, 0, 10),
    clusterWorkers,
    redisUrl: parseRedisUrl(read('REDIS_URL'), problems),
  };
  if (config.maxWaitMs < config.debounceMs) {
    problems.push(`MAX_WAIT_MS (${config.maxWaitMs}) must not be smaller than DEBOUNCE_MS (${config.debounceMs})`);
  }
  if (config.maxMessageBytes < config.maxImageBytes) {
    problems.push(`MAX_MESSAGE_BYTES (${config.maxMessageBytes}) must not be smaller than MAX_IMAGE_BYTES (${config.maxImageBytes})`);
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    problems.push(
      `HEADERS_TIMEOUT_MS (${config.headersTimeoutMs}) must not be larger than REQUEST_TIMEOUT_MS (${config.requestTimeoutMs})`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function parseLogFormat(raw: string | undefined, problems: string[]): 'text' | 'json' {
  if (raw === undefined || raw === 'text' || raw === 'json') return raw ?? 'text';
  problems.push(`LOG_FORMAT must be text or json (got "${raw}")`);
  return 'text';
}

function defaultPreprocessWorkers(clusterWorkers: number): number {
  const cores = os.availableParallelism();
  if (clusterWorkers === 0) return Math.min(4, cores - 1);
  return Math.max(0, Math.floor(cores / clusterWorkers) - 1);
}

function parseRedisUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  let valid = false;
  try {
    valid = /^rediss?:$/.test(new URL(raw).protocol);
  } catch {
    valid = false;
  }
  if (!valid) problems.push(`REDIS_URL must be a redis:// or rediss:// URL, like redis://localhost:6379 (got "${raw}")`);
  return valid ? raw : undefined;
}

/** The Vite dev server, on both of its usual host names; the server's own origin needs no CORS. */
const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

function parseOrigins(raw: string | undefined, problems: string[]): string[] | true {
  if (raw === undefined) return DEFAULT_CORS_ORIGINS;
  if (raw === '*') return true;
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const bad = origins.filter((origin) => !/^https?:\/\/[^/\s]+$/.test(origin));
  if (bad.length)
    problems.push(`CORS_ORIGINS must be * or a comma-separated list of origins like http://localhost:5173 (bad: ${bad.join(', ')})`);
  return origins;
}
