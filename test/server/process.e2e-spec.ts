/**
 * The server as `npm start` runs it, in its own process: configuration errors at boot, a real
 * SIGHUP swapping the model, and a graceful SIGTERM that answers the frame it holds before exiting.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { connect, disconnectAll, nextEvent, record, within } from './support/test-server';

const ROOT = path.resolve(__dirname, '../..');

interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(ROOT, 'apps/server/src/main.ts')],
    { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), NO_COLOR: '1', ...env } },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function listeningUrl(server: ServerProcess): Promise<string> {
  return within(
    (async () => {
      for (;;) {
        const match = /Serving on (http:\/\/\S+)/.exec(server.output());
        if (match) return match[1];
        if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
    60_000,
    'waiting for the server to listen',
  );
}

describe('the server process', () => {
  let root: string;
  const started: ServerProcess[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-process-'));
  });
  afterEach(disconnectAll);
  afterAll(async () => {
    for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('refuses to start on bad configuration, naming every bad variable in one message', async () => {
    const server = spawnServer({ PORT: 'eighty', DEBOUNCE_MS: '-5', TFJS_BACKEND: 'gpu', MODEL_DIR: root });
    started.push(server);
    expect(await within(server.exited, 60_000, 'waiting for the exit')).toEqual({ code: 1, signal: null });
    const line =
      server
        .output()
        .split('\n')
        .find((l) => l.includes('Invalid configuration')) ?? '';
    for (const name of ['PORT', 'DEBOUNCE_MS', 'TFJS_BACKEND']) expect(line).toContain(name);
  }, 70_000);

  it('swaps the model on a real SIGHUP, and on SIGTERM answers the frame it holds, closes sockets and exits', async () => {
    const modelDir = path.join(root, 'model');
    await saveThrowawayModel(modelDir, 1, 'process-a');
    const server = spawnServer({
      PORT: '0',
      HOST: '127.0.0.1',
      MODEL_DIR: modelDir,
      MODEL_WATCH_MS: '0',
      DEBOUNCE_MS: '3000',
      MAX_WAIT_MS: '5000',
      CLIENT_DIR: path.join(root, 'no-client'),
    });
    started.push(server);
    const url = await listeningUrl(server);
    const socket = await connect(url, 'websocket');

    const swapped = nextEvent(socket, 'model', (m) => m.modelId === 'process-b', 20_000);
    const modelB = await saveThrowawayModel(modelDir, 2, 'process-b');
    server.child.kill('SIGHUP');
    await expect(swapped).resolves.toEqual(modelB);

    const predictions = record(socket, 'prediction');
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit('frame', { seq: 1, image: await drawingPng(drawnDigits(1, 4)[0]) }); // held by the 3 s debounce
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');

    await within(disconnected, 10_000, 'waiting for the server to close the socket');
    expect(predictions.map((p) => [p.seq, p.modelId])).toEqual([[1, 'process-b']]);
    // Nest re-raises the signal once closed, so the exit status says "ended by SIGTERM", as for any well-behaved process.
    expect(await within(server.exited, 10_000, 'waiting for the exit')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(server.output()).toContain('Shutting down on SIGTERM: 1 socket(s) open, finishing the frames of 1');
  }, 90_000);
});
