/** The server as `npm start` runs it (main.ts through ts-node), in a process of its own. */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { within } from './test-server';

const ROOT = path.resolve(__dirname, '../../..');

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnServerProcess(env: Record<string, string>): ServerProcess {
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

/** The URL from the `Serving on …` line; rejects if the process exits first. */
export function listeningUrl(server: ServerProcess, ms = 120_000): Promise<string> {
  return within(
    (async () => {
      for (;;) {
        const match = /Serving on (http:\/\/\S+)/.exec(server.output());
        if (match) return match[1].replace('localhost', '127.0.0.1');
        if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
    ms,
    'waiting for the server to listen',
  );
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopServerProcess(server: ServerProcess, graceMs = 20_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([server.exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
}
