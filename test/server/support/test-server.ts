/**
 * Boots the real server (the same `createApp` as `main.ts`) on an ephemeral port, and gives tests
 * typed socket.io clients whose every exchange is a promise with a timeout.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { io, Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@live-digits/shared';
import { RECOGNITION_PARSER, SOCKET_PATH } from '@live-digits/shared';
import { createApp } from '../../../apps/server/src/app.factory';
import { AppConfig, loadConfig } from '../../../apps/server/src/config/app.config';
import { QuietLogger } from './quiet-logger';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Transport = 'websocket' | 'polling';
export const TRANSPORTS: Transport[] = ['websocket', 'polling'];

export interface TestServer {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  /** What Nest logged while this was the newest app (Nest's Logger is one per process); printed only with TEST_SERVER_LOGS. */
  logger: QuietLogger;
  close(): Promise<void>;
}

/** Defaults for tests: loopback, port 0, no model watching, no client build; override what a test is about. */
export async function startServer(overrides: Partial<AppConfig>): Promise<TestServer> {
  const config: AppConfig = {
    ...loadConfig({}),
    host: '127.0.0.1',
    port: 0,
    modelWatchMs: 0,
    clientDir: '/nonexistent-client',
    ...overrides,
  };
  const logger = new QuietLogger();
  const app = await createApp(config, { logger });
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, config, url, logger, close: () => app.close() };
}

const sockets = new Set<ClientSocket>();

/** A connected client on one transport only (no upgrade), so each transport is really exercised. */
export function connect(
  url: string,
  transport: Transport,
  beforeConnect: (socket: ClientSocket) => void = () => undefined,
  timeoutMs = 5000,
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    path: SOCKET_PATH,
    parser: RECOGNITION_PARSER,
    transports: [transport],
    upgrade: false,
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  sockets.add(socket);
  beforeConnect(socket);
  socket.connect();
  return within(
    new Promise<ClientSocket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    }),
    timeoutMs,
    `connecting over ${transport}`,
  );
}

/** Disconnects every client the tests opened. */
export function disconnectAll(): void {
  for (const socket of sockets) socket.disconnect();
  sockets.clear();
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type EventArgs<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** The next `event` that satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (payload: EventArgs<E>) => boolean = () => true,
  ms = 5000,
): Promise<EventArgs<E>> {
  let listener: (payload: EventArgs<E>) => void;
  const received = new Promise<EventArgs<E>>((resolve) => {
    listener = (payload) => {
      if (match(payload)) resolve(payload);
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (socket.on as any)(event, listener);
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return within(received, ms, `waiting for '${event}'`).finally(() => (socket.off as any)(event, listener));
}

/** Every `event` from now on, in arrival order. */
export function record<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Array<EventArgs<E>> {
  const seen: Array<EventArgs<E>> = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (socket.on as any)(event, (payload: EventArgs<E>) => seen.push(payload));
  return seen;
}

/** Sends a frame and waits for the prediction or error answering its seq. */
export function exchange(socket: ClientSocket, frame: Parameters<ClientToServerEvents['frame']>[0], ms = 5000) {
  const answer = within(
    new Promise<{ prediction?: EventArgs<'prediction'>; error?: EventArgs<'frame:error'> }>((resolve) => {
      const onPrediction = (prediction: EventArgs<'prediction'>) => {
        if (prediction.seq !== frame.seq) return;
        cleanup();
        resolve({ prediction });
      };
      const onError = (error: EventArgs<'frame:error'>) => {
        if (error.seq !== frame.seq) return;
        cleanup();
        resolve({ error });
      };
      const cleanup = () => {
        socket.off('prediction', onPrediction);
        socket.off('frame:error', onError);
      };
      socket.on('prediction', onPrediction);
      socket.on('frame:error', onError);
    }),
    ms,
    `waiting for the answer to frame ${frame.seq}`,
  );
  socket.emit('frame', frame);
  return answer;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
