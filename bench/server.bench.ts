/**
 * `npm run bench:server` — the recognition server under load, measured from the outside: a real
 * server process (the production build `npm start` runs) and socket.io clients in this process, on loopback, each
 * streaming 400×400 canvas drawings over WebSocket.
 *
 *   1 client   frame → prediction latency p50 / p95 / p99 (closed loop: next frame when answered)
 *   insight    1 client, frames asking for the network's insides (`insight: true`) interleaved with
 *              plain ones in the same run: p50 / p99 of each and their ratio (target p50 ≤ 2×)
 *   1 client   POST /predict latency and requests/s (the Flask seed projects' API), for comparison
 *   N clients  streaming at a steady pace (open loop, --rate frames/s each): predictions/s
 *              delivered and latency p50 / p95 / p99 — the realistic case, where a frame that
 *              arrives while its socket's previous one is still processed may be superseded
 *   N clients  closed loop until FRAMES frames are answered: the server's capacity (in a closed
 *              loop latency is queueing by construction: mean ≈ N / throughput)
 *   flood      a second server with the per-socket rate limit on (RATE_LIMIT_FPS 30): one good client
 *              streaming 20 frames/s alone, then again while another process floods (frames as
 *              fast as it can emit them, reconnecting whenever it is disconnected; at the lowest
 *              CPU priority, standing in for a client on another machine): the good client's p99
 *              in both, measured in the same run (target: flooded ≤ 2 × quiet), and the server's
 *              CPU in both; once as configured, once with FLOOD_COOLDOWN_SECONDS=0 (a flooder
 *              then reconnects at once, tens of times a second)
 *   numbers    1 client, closed loop, in the same run: frame → prediction p50 / p99 for a one-digit
 *              frame and a four-digit frame, both 800×400 (drawn digits side by side), taken in
 *              alternating rounds; the ratio of the p50s (target: 4 digits ≤ 2 × 1 digit)
 *   server     RSS and tf tensor count (from /metrics) from the end of a memory warm-up (run until
 *              RSS levels off) over both N-client phases, and across the closed loop alone; CPU
 *              per frame
 *
 * Every frame is `final: true`, so the debounce never holds one: what is measured is the server's
 * pipeline (validation, preprocessing, micro-batched inference, the socket round trip). Clients
 * send faster than a person draws, so the server runs with the per-socket rate limit lifted.
 * Counts and durations are bounded; figures are printed and written to bench/results/server.json.
 * Flags: --clients N (≤ 200, default 50) --rate F (frames/s per client in the open loop, default 8)
 * --frames N (closed loop, ≤ 100000, default 10000) --seconds S (cap per phase; open loop 15 s)
 * --flood-only (just the flood rows) --numbers-only (just the numbers row) --insight-only (just the insight row) --profile (the server writes a V8 CPU profile to bench/results/ when it exits).
 * The server's environment passes through: `HEAP_GROWING_PERCENT=0 npm run bench:server` measures
 * it with V8's own heap sizing; the GC counts per phase come from the server's `--trace-gc`.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { io, Socket } from 'socket.io-client';
import type { ClientToServerEvents, InsightRequest, PredictionPayload, ServerToClientEvents } from '@live-digits/shared';
import { RECOGNITION_PARSER, SOCKET_PATH } from '@live-digits/shared';
import { DrawnDigit, generateDrawnDigits, renderDrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { DEFAULT_MODEL_DIR, MODEL_JSON } from '@live-digits/shared/model/model-files';
import { saveThrowawayModel } from '../test/server/support/model-fixtures';
import { numberPng, WIDE_CANVAS } from '../test/server/support/numbers';
import { latencySummary, numberFlag, percentileOf } from './support/stats';

const ROOT = path.resolve(__dirname, '..');
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CLIENTS = numberFlag('clients', 50, 200);
const RATE = numberFlag('rate', 8, 60);
const OPEN_LOOP_SECONDS = 15;
const FRAMES = numberFlag('frames', 10_000, 100_000);
const PHASE_SECONDS = numberFlag('seconds', 90, 600);
const SINGLE_FRAMES = 2000;
/** Frames of each kind in the insight row. */
const INSIGHT_FRAMES = 500;
const HTTP_REQUESTS = 500;
const WARM_UP_FRAMES = 300;
/** Warm-up under N clients runs in rounds of this many frames until RSS stops rising (at most WARM_UP_ROUNDS). */
const WARM_UP_ROUND_FRAMES = 2500;
const WARM_UP_ROUNDS = 12;
/** RSS "stopped rising": a round ended within this of the highest reading so far, twice running. */
const RSS_LEVEL_MB = 3;

// —— the server process ——

interface ServerProcess {
  child: ChildProcess;
  url: string;
  gcs: GcCounts;
}

/** The server's garbage collections so far, read from its `--trace-gc` lines. */
interface GcCounts {
  full: number;
  scavenges: number;
}

/** The production build, as `npm start` runs it (ts-node's on-the-fly compilation would be measured too). */
function buildServer(): string {
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'server'], { cwd: ROOT, stdio: 'ignore' });
  return path.join(ROOT, 'dist/apps/server/src/main.js');
}

async function startServer(modelDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--trace-gc',
      ...(process.argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench/results')}`] : []),
      buildServer(),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NO_COLOR: '1',
        PORT: '0',
        HOST: '127.0.0.1',
        MODEL_DIR: modelDir,
        MODEL_WATCH_MS: '0',
        RATE_LIMIT_FPS: '1000000',
        CLIENT_DIR: path.join(ROOT, '.bench-no-client'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const gcs: GcCounts = { full: 0, scavenges: 0 };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.includes(': Mark-Compact ')) gcs.full++;
    else if (line.includes(': Scavenge ')) gcs.scavenges++;
    else output += `${line}\n`;
  });
  child.stderr!.on('data', (chunk) => (output += chunk));
  const started = Date.now();
  for (;;) {
    const match = /Serving on (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1], gcs };
    if (child.exitCode !== null || Date.now() - started > 60_000) throw new Error(`The server did not start:\n${output}`);
    await sleep(50);
  }
}

interface ServerGauges {
  rssMb: number;
  /** V8's heap in use and the memory held outside it by Buffers: what RSS growth is made of, if not the allocator's free lists. */
  heapMb: number;
  externalMb: number;
  /** Seconds of CPU the server has used, all its threads (sharp decodes on libuv's pool). */
  cpuSeconds: number;
  tensors: number;
  batches: number;
  batchedImages: number;
}

async function serverGauges(url: string): Promise<ServerGauges> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    rssMb: megabytes(value('process_resident_memory_bytes')),
    heapMb: megabytes(value('nodejs_heap_size_used_bytes')),
    externalMb: megabytes(value('nodejs_external_memory_bytes')),
    cpuSeconds: value('process_cpu_seconds_total'),
    tensors: value('live_digits_tf_tensors'),
    batches: value('live_digits_inference_batch_size_count'),
    batchedImages: value('live_digits_inference_batch_size_sum'),
  };
}

/** Mean images per inference batch between two readings. */
function meanBatch(from: { batches: number; batchedImages: number }, to: { batches: number; batchedImages: number }): number {
  return Math.round(((to.batchedImages - from.batchedImages) / Math.max(1, to.batches - from.batches)) * 10) / 10;
}

// —— clients ——

function connect(url: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    path: SOCKET_PATH,
    // Takes the many binary planes of an insight (the stock decoder stops at 10 attachments).
    parser: RECOGNITION_PARSER,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Sends `final` frames one after another on one socket until `keepGoing()` is false; records each round trip. */
async function closedLoop(
  socket: ClientSocket,
  images: Buffer[],
  keepGoing: () => boolean,
  onAnswer: (ms: number, prediction: PredictionPayload) => void,
  insightFor: (seq: number) => InsightRequest | undefined = () => undefined,
): Promise<void> {
  let seq = 0;
  while (keepGoing()) {
    const image = images[seq % images.length];
    const sent = performance.now();
    const answer = await new Promise<PredictionPayload>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to frame ${seq} within 10 s`)), 10_000);
      socket.once('prediction', (prediction) => {
        clearTimeout(timer);
        resolve(prediction);
      });
      socket.once('frame:error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${error.code}: ${error.message}`));
      });
      const insight = insightFor(++seq);
      socket.emit('frame', { seq, image, final: true, ...(insight && { insight }) });
    });
    onAnswer(performance.now() - sent, answer);
  }
}

/** CLIENTS sockets sending `final` frames back to back until `frames` are sent (or the deadline); the seconds it took. */
async function manyClientsClosedLoop(
  url: string,
  images: Buffer[],
  frames: number,
  onAnswer: (ms: number) => void = () => undefined,
  deadline = Infinity,
): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => connect(url)));
  let issued = 0;
  const started = performance.now();
  await Promise.all(sockets.map((s) => closedLoop(s, images, () => issued++ < frames && Date.now() < deadline, onAnswer)));
  const seconds = (performance.now() - started) / 1000;
  sockets.forEach((s) => s.disconnect());
  return seconds;
}

/**
 * Sends a `final` frame every 1/rate s for `seconds`, whatever the answers do (open loop); records
 * the latency of every answered frame. Frames superseded on the server get no answer.
 */
async function openLoop(
  socket: ClientSocket,
  images: Buffer[],
  rate: number,
  seconds: number,
  onAnswer: (ms: number, prediction: PredictionPayload) => void,
): Promise<{ sent: number; answered: number }> {
  const sentAt = new Map<number, number>();
  let answered = 0;
  socket.on('prediction', (prediction) => {
    const at = sentAt.get(prediction.seq);
    if (at === undefined) return;
    onAnswer(performance.now() - at, prediction);
    answered++;
    for (const seq of sentAt.keys()) if (seq <= prediction.seq) sentAt.delete(seq);
  });
  const interval = 1000 / rate;
  const start = performance.now() + Math.random() * interval; // clients out of phase, as people are
  let seq = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = start + seq * interval;
    if (due > performance.now()) await sleep(due - performance.now());
    seq++;
    sentAt.set(seq, performance.now());
    socket.emit('frame', { seq, image: images[seq % images.length], final: true });
  }
  const drainUntil = performance.now() + 3000;
  while (sentAt.has(seq) && performance.now() < drainUntil) await sleep(10); // the last frame is never superseded
  socket.off('prediction');
  return { sent: seq, answered };
}

/** The server's own account of each answered frame (`timings`), to tell queueing from work. */
class StageTimings {
  private readonly values = { queueMs: [] as number[], preprocessMs: [] as number[], inferenceMs: [] as number[], totalMs: [] as number[] };

  add({ timings }: PredictionPayload): void {
    for (const stage of Object.keys(this.values) as (keyof PredictionPayload['timings'])[]) this.values[stage].push(timings[stage]);
  }

  percentile(p: number): PredictionPayload['timings'] {
    const at = (values: number[]) => Math.round(percentileOf(values, p) * 100) / 100;
    const { queueMs, preprocessMs, inferenceMs, totalMs } = this.values;
    return { queueMs: at(queueMs), preprocessMs: at(preprocessMs), inferenceMs: at(inferenceMs), totalMs: at(totalMs) };
  }

  describe(p: number): string {
    const t = this.percentile(p);
    return `waiting for the socket's previous frame ${t.queueMs} ms, preprocess ${t.preprocessMs} ms, inference (batching included) ${t.inferenceMs} ms, total ${t.totalMs} ms`;
  }
}

/**
 * The server's GCs since `from`, on every thread's heap (the event loop's and the preprocessing
 * threads'): a full GC (mark-compact) stalls its thread for milliseconds, a scavenge for a fraction of one.
 */
function gcsSince(server: ServerProcess, from: GcCounts): string {
  return `${server.gcs.full - from.full} full (mark-compact), ${server.gcs.scavenges - from.scavenges} scavenges, all threads`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// —— one good client while another floods ——

const FLOOD_SECONDS = 20;
const GOOD_CLIENT_RATE = 20;

/**
 * The flooder, in its own process (`--flooder URL PNG SECONDS`) so its emitting does not slow the
 * good client's event loop here: bursts of frames as fast as socket.io-client takes them, a new
 * connection whenever the server disconnects this one. Prints what it did as one JSON line.
 */
async function flooder(url: string, imagePath: string, seconds: number): Promise<void> {
  const image = await import('node:fs/promises').then((fs) => fs.readFile(imagePath));
  const until = Date.now() + seconds * 1000;
  const counts = { sent: 0, refused: 0, answered: 0, connections: 0, connectionsRefused: 0, disconnectedByServer: 0 };
  while (Date.now() < until) {
    const socket = await connect(url).catch(() => undefined);
    if (!socket) {
      counts.connectionsRefused++;
      await sleep(20);
      continue;
    }
    counts.connections++;
    socket.on('frame:error', () => counts.refused++);
    socket.on('prediction', () => counts.answered++);
    let seq = 0;
    await new Promise<void>((resolve) => {
      socket.once('disconnect', (reason) => {
        if (reason === 'io server disconnect') counts.disconnectedByServer++;
        resolve();
      });
      const burst = () => {
        if (!socket.connected) return;
        if (Date.now() >= until) {
          socket.disconnect();
          return;
        }
        for (let i = 0; i < 50; i++) socket.emit('frame', { seq: ++seq, image });
        counts.sent += 50;
        setImmediate(burst);
      };
      burst();
    });
  }
  console.log(JSON.stringify(counts));
}

/** The flood row as configured (a flooder's address cools down), and with FLOOD_COOLDOWN_SECONDS=0: the per-connection defence alone. */
const FLOOD_SETUPS: { label: string; env: Record<string, string> }[] = [
  { label: 'as configured', env: {} },
  { label: 'without the cool-down (FLOOD_COOLDOWN_SECONDS=0)', env: { FLOOD_COOLDOWN_SECONDS: '0' } },
];

/** The good client's latencies alone, then beside the flooder, on a server with the rate limit on. */
async function floodPhase(modelDir: string, images: Buffer[], setup: (typeof FLOOD_SETUPS)[number]) {
  const server = await startServer(modelDir, { RATE_LIMIT_FPS: '30', ...setup.env });
  const scratch = await mkdtemp(path.join(tmpdir(), 'bench-flood-'));
  try {
    const imagePath = path.join(scratch, 'frame.png');
    await writeFile(imagePath, images[0]);
    const goodClient = async () => {
      const socket = await connect(server.url);
      const latencies: number[] = [];
      await openLoop(socket, images, GOOD_CLIENT_RATE, FLOOD_SECONDS, (ms) => latencies.push(ms));
      socket.disconnect();
      return latencySummary(latencies);
    };
    await goodClient(); // warm-up
    const cpuShare = async (phase: () => Promise<ReturnType<typeof latencySummary>>) => {
      const [before, started] = [(await serverGauges(server.url)).cpuSeconds, performance.now()];
      const latencies = await phase();
      const after = (await serverGauges(server.url)).cpuSeconds;
      return { latencies, serverCorePercent: Math.round(((after - before) * 1000 * 100) / (performance.now() - started)) };
    };
    const quiet = await cpuShare(goodClient);
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        __filename,
        '--flooder',
        server.url,
        imagePath,
        String(FLOOD_SECONDS + 2),
      ],
      { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // The flooder stands in for a client on another machine: at the lowest CPU priority its own
    // emitting (a whole core here) cannot take the core the server answers on, while everything
    // the flood costs the server still shows, in the good client's latency and the server's CPU.
    try {
      setPriority(child.pid!, 19);
    } catch {
      console.log('  (the flooder could not be given a lower priority; it competes with the server for CPU)');
    }
    let report = '';
    child.stdout!.on('data', (chunk) => (report += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await sleep(1500); // the flooder starts (ts-node) and gets going
    const flooded = await cpuShare(goodClient);
    await exited;
    const flooderCounts = JSON.parse(report.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
    return {
      setup: setup.label,
      goodClientRate: GOOD_CLIENT_RATE,
      seconds: FLOOD_SECONDS,
      quiet: quiet.latencies,
      flooded: flooded.latencies,
      p99Ratio: Math.round((flooded.latencies.p99 / quiet.latencies.p99) * 100) / 100,
      serverCorePercent: { quiet: quiet.serverCorePercent, flooded: flooded.serverCorePercent },
      flooder: flooderCounts,
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await rm(scratch, { recursive: true, force: true });
  }
}

function printFlood(flood: Awaited<ReturnType<typeof floodPhase>>): void {
  console.log(
    `one good client (${flood.goodClientRate} frames/s) while another floods, ${flood.setup}: p50 ${flood.flooded.p50} ms  p99 ${flood.flooded.p99} ms, ` +
      `quiet in the same run p50 ${flood.quiet.p50} ms  p99 ${flood.quiet.p99} ms: ${flood.p99Ratio}× (target ≤ 2×)`,
  );
  console.log(
    `  the flooder: ${flood.flooder.sent} frames sent over ${flood.flooder.connections} connections (${flood.flooder.connectionsRefused} more refused at the handshake), ${flood.flooder.refused} refused, ${flood.flooder.answered} answered, disconnected by the server ${flood.flooder.disconnectedByServer} times`,
  );
  console.log(`  server CPU, all threads: ${flood.serverCorePercent.quiet}% of a core quiet, ${flood.serverCorePercent.flooded}% flooded`);
}

// —— numbers ——

const NUMBER_ROUNDS = 10;
const NUMBER_ROUND_FRAMES = 100;
const NUMBER_DIGITS = 4;

/**
 * One client, closed loop, on the server given: one-digit and four-digit frames on the same
 * 800×400 canvas, in alternating rounds so both see the same machine. The ratio of the p50s is
 * what a number costs over a digit.
 */
async function numbersPhase(url: string, digits: DrawnDigit[]) {
  const ones = await Promise.all(digits.map((digit) => numberPng([digit])));
  const numbers = await Promise.all(
    digits.map((_, i) => numberPng(Array.from({ length: NUMBER_DIGITS }, (_, k) => digits[(i + k * 5) % digits.length]))),
  );
  const latencies = { one: [] as number[], four: [] as number[] };
  const digitsRead = { one: new Set<number>(), four: new Set<number>() };
  // A socket per round: closedLoop numbers its frames from 1.
  const run = async (images: Buffer[], into?: keyof typeof latencies) => {
    const socket = await connect(url);
    let count = 0;
    try {
      await closedLoop(
        socket,
        images,
        () => count++ < NUMBER_ROUND_FRAMES,
        (ms, prediction) => {
          if (!into) return;
          latencies[into].push(ms);
          digitsRead[into].add(prediction.number?.digits.length ?? 0);
        },
      );
    } finally {
      socket.disconnect();
    }
  };
  await run(ones);
  await run(numbers);
  for (let round = 0; round < NUMBER_ROUNDS; round++) {
    await run(ones, 'one');
    await run(numbers, 'four');
  }
  const one = latencySummary(latencies.one);
  const four = latencySummary(latencies.four);
  return {
    canvas: `${WIDE_CANVAS.width}×${WIDE_CANVAS.height}`,
    oneDigit: { ...one, digitsRead: [...digitsRead.one] },
    fourDigits: { ...four, digitsRead: [...digitsRead.four] },
    p50Ratio: Math.round((four.p50 / one.p50) * 100) / 100,
  };
}

function printNumbers(numbers: Awaited<ReturnType<typeof numbersPhase>>): void {
  console.log(
    `numbers, 1 client on ${numbers.canvas}: 1 digit p50 ${numbers.oneDigit.p50} ms  p99 ${numbers.oneDigit.p99} ms; ` +
      `${NUMBER_DIGITS} digits p50 ${numbers.fourDigits.p50} ms  p99 ${numbers.fourDigits.p99} ms: ${numbers.p50Ratio}× at p50 (target ≤ 2×)`,
  );
  console.log(
    `  ${numbers.oneDigit.count} + ${numbers.fourDigits.count} frames in alternating rounds; digits read per frame: ${numbers.oneDigit.digitsRead.join('/')} and ${numbers.fourDigits.digitsRead.join('/')}`,
  );
}

/**
 * One client in a closed loop, odd frames plain and even ones asking for insight, so both kinds
 * meet the same server state; the first frames of each kind warm up and are not counted.
 */
async function insightPhase(url: string, images: Buffer[]) {
  const plain: number[] = [];
  const insight: number[] = [];
  let insightBytes = 0;
  const socket = await connect(url);
  let answered = 0;
  const warmUp = 100;
  await closedLoop(
    socket,
    images,
    () => answered < 2 * (INSIGHT_FRAMES + warmUp),
    (ms, prediction) => {
      answered++;
      const asked = prediction.seq % 2 === 0;
      if (asked && !prediction.insight) throw new Error(`frame ${prediction.seq} asked for insight and got none`);
      if (!asked && prediction.insight) throw new Error(`frame ${prediction.seq} did not ask for insight and got some`);
      if (answered <= 2 * warmUp) return;
      (asked ? insight : plain).push(ms);
      if (asked) {
        const { input, saliency, layers } = prediction.insight!;
        insightBytes = Math.max(
          insightBytes,
          [input, saliency, ...layers].reduce((sum, plane) => sum + (plane.data as Uint8Array).byteLength, 0),
        );
      }
    },
    (seq) => (seq % 2 === 0 ? true : undefined),
  );
  socket.disconnect();
  const plainSummary = latencySummary(plain);
  const insightSummary = latencySummary(insight);
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    plain: plainSummary,
    insight: insightSummary,
    p50Ratio: ratio(insightSummary.p50, plainSummary.p50),
    p99Ratio: ratio(insightSummary.p99, plainSummary.p99),
    largestPlanesBytes: insightBytes,
  };
}

function printInsight(result: Awaited<ReturnType<typeof insightPhase>>): void {
  console.log(
    `insight, 1 client, ${result.insight.count} frames with insight: true and ${result.plain.count} plain, interleaved: ` +
      `p50 ${result.insight.p50} ms vs ${result.plain.p50} ms (${result.p50Ratio}×, target ≤ 2×), ` +
      `p99 ${result.insight.p99} ms vs ${result.plain.p99} ms (${result.p99Ratio}×); planes up to ${result.largestPlanesBytes} bytes a digit`,
  );
}

async function main(): Promise<void> {
  let modelDir = path.join(ROOT, DEFAULT_MODEL_DIR);
  let modelNote = DEFAULT_MODEL_DIR;
  let scratch: string | undefined;
  if (!existsSync(path.join(modelDir, MODEL_JSON))) {
    // A small untrained stand-in: the pipeline is measured, but inference is cheaper than digit-net's.
    scratch = await mkdtemp(path.join(tmpdir(), 'bench-server-'));
    modelDir = scratch;
    await saveThrowawayModel(modelDir, 1, 'bench-untrained');
    modelNote = `an untrained stand-in model (${DEFAULT_MODEL_DIR} not found; inference timings are not digit-net's)`;
  }

  const digits = generateDrawnDigits(readMnistSplit(bundledMnistDir(), 't10k'), 20, 1);
  const images = await Promise.all(digits.map((digit) => renderDrawnDigit(digit)));
  console.log(
    `Server benchmark: ${modelNote}; ${images.length} drawings of ${Math.round(images.reduce((s, b) => s + b.length, 0) / images.length)} bytes (400×400 PNG)`,
  );

  if (process.argv.includes('--insight-only')) {
    const server = await startServer(modelDir);
    try {
      printInsight(await insightPhase(server.url, images));
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
    return;
  }
  if (process.argv.includes('--flood-only')) {
    for (const setup of FLOOD_SETUPS) printFlood(await floodPhase(modelDir, images, setup));
    if (scratch) await rm(scratch, { recursive: true, force: true });
    return;
  }
  if (process.argv.includes('--numbers-only')) {
    const alone = await startServer(modelDir);
    try {
      printNumbers(await numbersPhase(alone.url, digits));
    } finally {
      alone.child.kill('SIGTERM');
      await new Promise((resolve) => alone.child.once('exit', resolve));
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
    return;
  }
  const server = await startServer(modelDir);
  console.log(`server at ${server.url} (pid ${server.child.pid})`);
  try {
    // Warm-up, in the shapes the phases use: first calls allocate and JIT, batches of every size
    // grow the wasm heap.
    let warmed = 0;
    const warm = await connect(server.url);
    await closedLoop(
      warm,
      images,
      () => warmed < WARM_UP_FRAMES,
      () => warmed++,
    );
    warm.disconnect();
    await manyClientsClosedLoop(server.url, images, WARM_UP_ROUND_FRAMES);
    await sleep(500);

    // 1 client over Socket.IO.
    const single: number[] = [];
    const stages = new StageTimings();
    const singleGcs = { ...server.gcs };
    const socket = await connect(server.url);
    const singleDeadline = Date.now() + PHASE_SECONDS * 1000;
    await closedLoop(
      socket,
      images,
      () => single.length < SINGLE_FRAMES && Date.now() < singleDeadline,
      (ms, p) => {
        single.push(ms);
        stages.add(p);
      },
    );
    socket.disconnect();
    const oneClient = latencySummary(single);
    console.log(
      `\n1 client, ${oneClient.count} frames: p50 ${oneClient.p50} ms  p95 ${oneClient.p95} ms  p99 ${oneClient.p99} ms  (targets p50 ≤ 5, p99 ≤ 15)`,
    );
    console.log(`  server-side medians: ${stages.describe(50)}`);
    console.log(`  server-side p99s:    ${stages.describe(99)}`);
    console.log(`  server GCs: ${gcsSince(server, singleGcs)}`);

    // Insight against plain frames, one client, the same run.
    const insight = await insightPhase(server.url, images);
    printInsight(insight);

    // 1 client over HTTP, the seed projects' API.
    const http: number[] = [];
    const httpStarted = performance.now();
    for (let i = 0; i < HTTP_REQUESTS; i++) {
      const sent = performance.now();
      const response = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: `data:image/png;base64,${images[i % images.length].toString('base64')}` }),
      });
      await response.json();
      http.push(performance.now() - sent);
    }
    const httpSummary = { ...latencySummary(http), perSecond: Math.round(HTTP_REQUESTS / ((performance.now() - httpStarted) / 1000)) };
    console.log(
      `1 client, POST /predict × ${HTTP_REQUESTS}: p50 ${httpSummary.p50} ms  p99 ${httpSummary.p99} ms  ${httpSummary.perSecond} requests/s`,
    );

    const numbers = await numbersPhase(server.url, digits);
    printNumbers(numbers);

    // Memory warm-up: the allocator's arenas (one per thread that allocates: the event loop, the
    // preprocessing thread, libuv's pool) take several thousand frames under N clients to grow to
    // their working size, so this runs until RSS levels off. Growth after it is what traffic
    // leaves behind, which is what a leak check wants to see. (It comes after the 1-client phase:
    // that one measures a server with one person drawing on it.)
    const warmUpRss: number[] = [];
    for (let round = 0, level = 0; round < WARM_UP_ROUNDS && level < 2; round++) {
      await manyClientsClosedLoop(server.url, images, WARM_UP_ROUND_FRAMES);
      const { rssMb } = await serverGauges(server.url);
      level = warmUpRss.length && rssMb <= Math.max(...warmUpRss) + RSS_LEVEL_MB ? level + 1 : 0;
      warmUpRss.push(rssMb);
    }
    console.log(
      `memory warm-up: ${warmUpRss.length} × ${WARM_UP_ROUND_FRAMES} frames from ${CLIENTS} clients, RSS after each ${warmUpRss.join(', ')} MB`,
    );
    await sleep(500);
    const before = await serverGauges(server.url);

    // N clients streaming at a steady pace.
    const paced = await Promise.all(Array.from({ length: CLIENTS }, () => connect(server.url)));
    const pacedLatencies: number[] = [];
    const pacedStages = new StageTimings();
    const pacedGcs = { ...server.gcs };
    const pacedStarted = performance.now();
    const pacedCounts = await Promise.all(
      paced.map((s) =>
        openLoop(s, images, RATE, Math.min(OPEN_LOOP_SECONDS, PHASE_SECONDS), (ms, p) => {
          pacedLatencies.push(ms);
          pacedStages.add(p);
        }),
      ),
    );
    const pacedSeconds = (performance.now() - pacedStarted) / 1000;
    paced.forEach((s) => s.disconnect());
    const sentPaced = pacedCounts.reduce((sum, c) => sum + c.sent, 0);
    const afterPaced = await serverGauges(server.url);
    const openLoopResult = {
      meanBatch: meanBatch(before, afterPaced),
      clients: CLIENTS,
      offeredPerSecond: CLIENTS * RATE,
      ...latencySummary(pacedLatencies),
      perSecond: Math.round(pacedLatencies.length / pacedSeconds),
      superseded: sentPaced - pacedLatencies.length,
      sent: sentPaced,
    };
    console.log(
      `${CLIENTS} clients streaming ${RATE} frames/s each (${openLoopResult.offeredPerSecond}/s offered) for ${OPEN_LOOP_SECONDS} s: ${openLoopResult.perSecond} predictions/s  p50 ${openLoopResult.p50} ms  p95 ${openLoopResult.p95} ms  p99 ${openLoopResult.p99} ms  superseded ${openLoopResult.superseded} of ${sentPaced}, mean batch ${openLoopResult.meanBatch}  (targets ≥ 300/s, p99 ≤ 150)`,
    );
    console.log(`  server-side medians: ${pacedStages.describe(50)}`);
    console.log(`  server-side p99s:    ${pacedStages.describe(99)}`);
    console.log(`  server GCs: ${gcsSince(server, pacedGcs)}`);

    // N clients in a closed loop, until FRAMES frames are answered (or the phase's time cap).
    const many: number[] = [];
    const clientCpu = process.cpuUsage();
    const manyGcs = { ...server.gcs };
    const seconds = await manyClientsClosedLoop(server.url, images, FRAMES, (ms) => many.push(ms), Date.now() + PHASE_SECONDS * 1000);
    const { user, system } = process.cpuUsage(clientCpu);
    const afterMany = await serverGauges(server.url);
    // Where the two cores go: the server (every thread) and this process' clients, per answered frame.
    const cpuMsPerFrame = {
      server: Math.round(((afterMany.cpuSeconds - afterPaced.cpuSeconds) * 1000 * 100) / many.length) / 100,
      clients: Math.round((user + system) / 10 / many.length) / 100,
    };
    const manyClients = {
      meanBatch: meanBatch(afterPaced, afterMany),
      ...latencySummary(many),
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round(many.length / seconds),
      cpuMsPerFrame,
    };
    console.log(
      `${CLIENTS} clients in a closed loop, ${manyClients.count} frames in ${manyClients.seconds} s: ${manyClients.perSecond} predictions/s (capacity)  p50 ${manyClients.p50} ms  p95 ${manyClients.p95} ms  p99 ${manyClients.p99} ms, mean batch ${manyClients.meanBatch}`,
    );
    console.log(`  CPU per frame: server ${cpuMsPerFrame.server} ms (all threads), benchmark clients ${cpuMsPerFrame.clients} ms`);
    console.log(`  server GCs: ${gcsSince(server, manyGcs)}`);

    await sleep(500);
    const after = await serverGauges(server.url);
    const framesSinceBefore = sentPaced + many.length;
    console.log(
      `server memory over the ${framesSinceBefore} frames after the memory warm-up: RSS ${before.rssMb} → ${after.rssMb} MB (${(after.rssMb - before.rssMb).toFixed(1)} MB; target < 30), tensors ${before.tensors} → ${after.tensors} (target unchanged); V8 heap ${before.heapMb} → ${after.heapMb} MB, Buffers ${before.externalMb} → ${after.externalMb} MB`,
    );
    console.log(
      `  across the ${many.length}-frame closed loop alone: RSS ${afterPaced.rssMb} → ${after.rssMb} MB (${(after.rssMb - afterPaced.rssMb).toFixed(1)} MB), tensors ${afterPaced.tensors} → ${after.tensors}`,
    );

    const flood = [];
    for (const setup of FLOOD_SETUPS) {
      flood.push(await floodPhase(modelDir, images, setup));
      printFlood(flood.at(-1)!);
    }

    const results = {
      date: new Date().toISOString(),
      model: modelNote,
      node: process.version,
      oneClient,
      serverStagesMedianMs: stages.percentile(50),
      insight,
      http: httpSummary,
      numbers,
      openLoop: { ...openLoopResult, serverStagesMs: { p50: pacedStages.percentile(50), p99: pacedStages.percentile(99) } },
      closedLoop: { clients: CLIENTS, ...manyClients },
      flood,
      memory: {
        warmUpRssMb: warmUpRss,
        closedLoop: { frames: many.length, before: afterPaced, after },
        afterMemoryWarmUp: { frames: framesSinceBefore, before, after },
      },
    };
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/server.json'), JSON.stringify(results, null, 2));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

const flooderAt = process.argv.indexOf('--flooder');
(flooderAt >= 0 ? flooder(process.argv[flooderAt + 1], process.argv[flooderAt + 2], Number(process.argv[flooderAt + 3])) : main()).catch(
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
