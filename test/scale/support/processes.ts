/**
 * The real pieces of a deployment on loopback, for the scale tests: server processes as `npm start`
 * runs them (main.ts), Debian's redis-server and nginx with configs written into a temp folder.
 * Every process started here is stopped by {@link stopAll}.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import * as path from 'node:path';
import { within } from '../../server/support/test-server';

const ROOT = path.resolve(__dirname, '../../..');

export interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<Started>();

/** Spawns `command` from the repo root with its output collected; {@link stopAll} stops it. */
export function startProcess(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Started {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle = { child, output: () => output, exited };
  started.add(handle);
  void exited.then(() => started.delete(handle));
  return handle;
}

/** Waits until `pattern` appears in the output; fails early if the process ends. */
export function waitForOutput(process: Started, pattern: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
  return within(
    (async () => {
      for (;;) {
        const match = pattern.exec(process.output());
        if (match) return match;
        if (process.child.exitCode !== null || process.child.signalCode !== null) {
          throw new Error(`${what}: the process ended first. Output:\n${process.output().slice(-3000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
    ms,
    what,
  );
}

/** Sends `signal` and waits for the exit (SIGKILL after `ms`). */
export async function stop(process: Started, signal: NodeJS.Signals = 'SIGTERM', ms = 20_000) {
  if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const result = await Promise.race([process.exited, late.then(() => undefined)]);
  clearTimeout(timer);
  if (result === undefined) {
    process.child.kill('SIGKILL');
    return process.exited;
  }
  return result;
}

/** Stops every process these helpers started, servers first (they may still talk to Redis). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((process) => stop(process)));
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port. */
export function portOpen(port: number, ms: number): Promise<void> {
  return within(
    (async () => {
      for (;;) {
        const open = await new Promise<boolean>((resolve) => {
          const socket = new Socket();
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => (socket.destroy(), resolve(false)));
          socket.connect(port, '127.0.0.1');
        });
        if (open) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    ms,
    `waiting for port ${port}`,
  );
}

/** The server as `npm start` runs it (through ts-node, as test/server/process.e2e-spec.ts does). */
export function startServerProcess(env: Record<string, string>): Started {
  return startProcess(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(ROOT, 'apps/server/src/main.ts')],
    { env: { TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), NO_COLOR: '1', HOST: '127.0.0.1', MODEL_CHECK_DIGITS: '0', ...env } },
  );
}

export async function serverUrl(server: Started, ms = 300_000): Promise<string> {
  return (await waitForOutput(server, /Serving on (http:\/\/\S+)/, ms, 'waiting for the server to listen'))[1];
}

/** Debian's redis-server on a loopback port, no persistence, its config and files in `dir`. */
export async function startRedis(dir: string, port: number): Promise<Started> {
  await mkdir(dir, { recursive: true });
  const config = path.join(dir, 'redis.conf');
  await writeFile(config, [`port ${port}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', `dir ${dir}`, 'daemonize no', ''].join('\n'));
  const redis = startProcess('redis-server', [config]);
  await waitForOutput(redis, /Ready to accept connections/, 20_000, 'waiting for redis-server');
  return redis;
}

/**
 * Debian's nginx with the project's deploy/nginx.conf, made to run here: the upstream's servers
 * replaced by `upstreams`, listening on a loopback port, one worker, in the foreground, its pid,
 * logs and temp files in `dir`. Everything else (stickiness, upgrade headers, timeouts) as written.
 */
export async function startNginx(dir: string, port: number, upstreams: string[]): Promise<Started> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  let config = await readFile(path.join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const serverLines = /^\s*server\s+app-\d+:\d+[^\n]*\n/gm;
  if (!serverLines.test(config)) throw new Error('deploy/nginx.conf has no app-N upstream servers to replace');
  config = config
    .replace(serverLines, '')
    .replace(
      /(hash \$remote_addr consistent;\n)/,
      `$1${upstreams.map((address) => `    server ${address} max_fails=3 fail_timeout=10s;\n`).join('')}`,
    )
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`)
    .replace(/worker_processes auto;/, 'worker_processes 1;')
    .replace(
      /http \{\n/,
      `http {\n  access_log ${dir}/access.log;\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind}_temp;\n`).join('')}`,
    );
  const file = path.join(dir, 'nginx.conf');
  await writeFile(file, config);
  const globals = [
    `daemon off;`,
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
  ];
  const nginx = startProcess(process.env.NGINX_PATH ?? '/usr/sbin/nginx', [
    '-p',
    dir,
    '-e',
    `${dir}/error.log`,
    '-c',
    file,
    '-g',
    globals.join(' '),
  ]);
  await portOpen(port, 20_000).catch(async (error: Error) => {
    throw new Error(`${error.message}; nginx said: ${nginx.output()} ${await readFile(`${dir}/error.log`, 'utf8').catch(() => '')}`);
  });
  return nginx;
}
