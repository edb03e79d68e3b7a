/**
 * `npm run bench:scale` — the three ways to run, measured in one run on this machine with the same
 * clients: one process (`npm start`), `CLUSTER_WORKERS=2`, and two nodes sharing a Redis
 * (`REDIS_URL`, Debian's redis-server on a loopback port, clients split between the nodes). For
 * each: N socket.io clients over WebSocket streaming `final` frames of 400×400 drawings
 * at a steady pace (open loop, --rate frames/s each: delivered/s and latency p50 / p99), then in
 * a closed loop until --frames are answered (capacity). The server processes' CPU (every process
 * of the set-up, all threads, from /proc) and the machine's load average are printed with each
 * row, since the clients share the cores with the servers.
 * Flags: --clients N (≤ 200, default 50) --rate F (default 8) --seconds S (open loop, default 15)
 * --frames N (closed loop, default 6000). Results also go to bench/results/scale.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import * as path from 'node:path';
import { io, Socket } from 'socket.io-client';
import type { ClientToServerEvents, PredictionPayload, ServerToClientEvents } from '@live-digits/shared';
import { SOCKET_PATH } from '@live-digits/shared';
import { generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { DEFAULT_MODEL_DIR, MODEL_JSON } from '@live-digits/shared/model/model-files';
import { latencySummary, numberFlag } from './support/stats';
import { freePort, startProcess, startRedis, stop, waitForOutput } from '../test/scale/support/processes';

const ROOT = path.resolve(__dirname, '..');
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CLIENTS = numberFlag('clients', 50, 200, { integer: true });
const RATE = numberFlag('rate', 8, 60);
const OPEN_LOOP_SECONDS = numberFlag('seconds', 15, 120);
const FRAMES = numberFlag('frames', 6000, 100_000, { integer: true });
const WARM_UP_FRAMES = 1500;

const STARTUP_MS = 180_000;
const SERVING = /Serving on (http:\/\/\S+)/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// —— processes ——

/** CPU seconds (user + system, all threads) of a process and its descendants, from /proc. */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  const visit = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      for (const task of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(task));
    } catch {
      // gone meanwhile
    }
  };
  visit(pid);
  return ticks / 100; // USER_HZ
}

interface SetUp {
  name: string;
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

const serverEntry = () => path.join(ROOT, 'dist/apps/server/src/main.js');
const serverEnv = (modelDir: string, extra: Record<string, string>) => ({
  HOST: '127.0.0.1',
  NO_COLOR: '1',
  MODEL_DIR: modelDir,
  MODEL_WATCH_MS: '0',
  RATE_LIMIT_FPS: '1000000',
  CLIENT_DIR: path.join(ROOT, '.bench-no-client'),
  ...extra,
});

async function oneServer(name: string, modelDir: string, env: Record<string, string>): Promise<SetUp> {
  const server = startProcess(process.execPath, [serverEntry()], { env: serverEnv(modelDir, { PORT: '0', ...env }) });
  const url = (await waitForOutput(server, SERVING, STARTUP_MS, `starting ${name}`))[1];
  return { name, urls: [url], pids: [server.child.pid!], stop: async () => void (await stop(server)) };
}

async function twoNodesWithRedis(modelDir: string, scratch: string): Promise<SetUp> {
  const redisPort = await freePort();
  const redis = await startRedis(path.join(scratch, 'redis'), redisPort);
  const nodes = [0, 1].map(() =>
    startProcess(process.execPath, [serverEntry()], {
      env: serverEnv(modelDir, { PORT: '0', REDIS_URL: `redis://127.0.0.1:${redisPort}` }),
    }),
  );
  const urls = [];
  for (const node of nodes) urls.push((await waitForOutput(node, SERVING, STARTUP_MS, 'starting a node'))[1]);
  return {
    name: 'two nodes + Redis',
    urls,
    pids: [...nodes.map((n) => n.child.pid!), redis.child.pid!],
    stop: async () => {
      await Promise.all(nodes.map((node) => stop(node)));
      await stop(redis);
    },
  };
}

// —— clients ——

function connect(url: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { path: SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** CLIENTS sockets spread over the set-up's URLs in turn. */
function connectAll(urls: string[]): Promise<ClientSocket[]> {
  return Promise.all(Array.from({ length: CLIENTS }, (_, i) => connect(urls[i % urls.length])));
}

async function closedLoop(sockets: ClientSocket[], images: Buffer[], frames: number, onAnswer: (ms: number) => void): Promise<number> {
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket) => {
      let seq = 0;
      while (issued++ < frames) {
        const sent = performance.now();
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
          socket.once('prediction', () => (clearTimeout(timer), resolve()));
          socket.emit('frame', { seq: ++seq, image: images[seq % images.length], final: true });
        });
        onAnswer(performance.now() - sent);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function openLoop(sockets: ClientSocket[], images: Buffer[], onAnswer: (ms: number) => void): Promise<number> {
  const interval = 1000 / RATE;
  let sent = 0;
  await Promise.all(
    sockets.map(async (socket) => {
      const sentAt = new Map<number, number>();
      const listener = (prediction: PredictionPayload) => {
        const at = sentAt.get(prediction.seq);
        if (at === undefined) return;
        onAnswer(performance.now() - at);
        for (const seq of sentAt.keys()) if (seq <= prediction.seq) sentAt.delete(seq);
      };
      socket.on('prediction', listener);
      const begin = performance.now() + Math.random() * interval;
      let seq = 0;
      while (performance.now() - begin < OPEN_LOOP_SECONDS * 1000) {
        const due = begin + seq * interval;
        if (due > performance.now()) await sleep(due - performance.now());
        seq++;
        sent++;
        sentAt.set(seq, performance.now());
        socket.emit('frame', { seq, image: images[seq % images.length], final: true });
      }
      const drainUntil = performance.now() + 3000;
      while (sentAt.has(seq) && performance.now() < drainUntil) await sleep(10);
      socket.off('prediction', listener);
    }),
  );
  return sent;
}

interface Row {
  setUp: string;
  processes: number;
  openLoop: ReturnType<typeof latencySummary> & { perSecond: number; offered: number; superseded: number };
  capacity: { perSecond: number; p50: number; p99: number; frames: number; seconds: number; serverCpuMsPerFrame: number };
  loadAverage: { before: number; after: number };
}

async function measure(setUp: SetUp, images: Buffer[]): Promise<Row> {
  const loadBefore = loadavg()[0];
  const warm = await connectAll(setUp.urls);
  await closedLoop(warm, images, WARM_UP_FRAMES, () => undefined);
  warm.forEach((s) => s.disconnect());
  await sleep(500);

  const paced = await connectAll(setUp.urls);
  const pacedLatencies: number[] = [];
  const pacedStarted = performance.now();
  const sent = await openLoop(paced, images, (ms) => pacedLatencies.push(ms));
  const pacedSeconds = (performance.now() - pacedStarted) / 1000;
  paced.forEach((s) => s.disconnect());
  await sleep(500);

  const sockets = await connectAll(setUp.urls);
  const latencies: number[] = [];
  const cpuBefore = setUp.pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  const seconds = await closedLoop(sockets, images, FRAMES, (ms) => latencies.push(ms));
  const cpuAfter = setUp.pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  sockets.forEach((s) => s.disconnect());
  const closed = latencySummary(latencies);
  return {
    setUp: setUp.name,
    processes: setUp.pids.length,
    openLoop: {
      ...latencySummary(pacedLatencies),
      perSecond: Math.round(pacedLatencies.length / pacedSeconds),
      offered: CLIENTS * RATE,
      superseded: sent - pacedLatencies.length,
    },
    capacity: {
      perSecond: Math.round(latencies.length / seconds),
      p50: closed.p50,
      p99: closed.p99,
      frames: latencies.length,
      seconds: Math.round(seconds * 10) / 10,
      serverCpuMsPerFrame: Math.round(((cpuAfter - cpuBefore) * 1000 * 100) / latencies.length) / 100,
    },
    loadAverage: { before: loadBefore, after: loadavg()[0] },
  };
}

async function main(): Promise<void> {
  const modelDir = path.join(ROOT, DEFAULT_MODEL_DIR);
  if (!existsSync(path.join(modelDir, MODEL_JSON))) throw new Error(`${DEFAULT_MODEL_DIR} not found`);
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'server'], { cwd: ROOT, stdio: 'inherit' });
  const digits = generateDrawnDigits(readMnistSplit(bundledMnistDir(), 't10k'), 20, 1);
  const images = await Promise.all(digits.map((digit) => renderDrawnDigit(digit)));
  const scratch = await mkdtemp(path.join(tmpdir(), 'bench-scale-'));
  console.log(
    `Scale benchmark: ${CLIENTS} WebSocket clients in this process; open loop ${RATE} frames/s each for ${OPEN_LOOP_SECONDS} s, closed loop ${FRAMES} frames; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const rows: Row[] = [];
  const setUps: Array<() => Promise<SetUp>> = [
    () => oneServer('one process', modelDir, {}),
    // The same process with no preprocessing thread: one core's worth, the baseline the cluster multiplies.
    () => oneServer('one process, PREPROCESS_WORKERS=0', modelDir, { PREPROCESS_WORKERS: '0' }),
    () => oneServer('CLUSTER_WORKERS=2', modelDir, { CLUSTER_WORKERS: '2' }),
    () => twoNodesWithRedis(modelDir, scratch),
  ];
  try {
    for (const startSetUp of setUps) {
      const setUp = await startSetUp();
      try {
        const row = await measure(setUp, images);
        rows.push(row);
        console.log(
          `${row.setUp.padEnd(34)} capacity ${row.capacity.perSecond}/s (p50 ${row.capacity.p50} ms, p99 ${row.capacity.p99} ms, server CPU ${row.capacity.serverCpuMsPerFrame} ms/frame)  ·  ${CLIENTS} × ${RATE}/s: ${row.openLoop.perSecond}/s delivered, p50 ${row.openLoop.p50} ms, p99 ${row.openLoop.p99} ms, superseded ${row.openLoop.superseded}  ·  load ${row.loadAverage.before.toFixed(2)} → ${row.loadAverage.after.toFixed(2)}`,
        );
      } finally {
        await setUp.stop();
      }
    }
    const [onProcess, onOneCore] = rows.map((row) => row.capacity.perSecond);
    for (const row of rows.slice(2)) {
      const ratio = (base: number) => (row.capacity.perSecond / base).toFixed(2);
      console.log(`${row.setUp}: ×${ratio(onProcess)} one process's capacity, ×${ratio(onOneCore)} one process on one core's`);
    }
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(
      path.join(ROOT, 'bench/results/scale.json'),
      JSON.stringify({ date: new Date().toISOString(), node: process.version, clients: CLIENTS, rate: RATE, rows }, null, 2),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
