/**
 * The built page for browser tests and the client benchmark: `vite build` of apps/client into a
 * temporary folder named after a hash of its sources, so a run tests the code as it is now and
 * several test files share one build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../..');
const BUILD_PREFIX = 'live-digits-client-';
const CLIENT = path.join(ROOT, 'apps/client');
/** Everything the bundle is made from: the client (not its dist) and the socket contract it imports. */
const SOURCES = [CLIENT, path.join(ROOT, 'libs/shared/src/index.ts'), path.join(ROOT, 'libs/shared/src/protocol')];

function files(entry: string): string[] {
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .filter((name) => name !== 'dist' && name !== 'node_modules')
    .sort()
    .flatMap((name) => files(path.join(entry, name)));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(files)) hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Builds the client (or reuses the build of identical sources) and returns the folder holding index.html. */
export async function buildClient(): Promise<string> {
  const outDir = path.join(tmpdir(), `${BUILD_PREFIX}${sourceHash()}`);
  if (existsSync(path.join(outDir, 'index.html'))) return outDir;
  // Built beside and renamed into place, so a parallel run never sees half a build.
  const building = `${outDir}.${process.pid}`;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  try {
    await promisify(execFile)(
      process.execPath,
      [vite, 'build', '--config', path.join(CLIENT, 'vite.config.mts'), '--outDir', building, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: ROOT,
        // Jest sets NODE_ENV=test, which would make Vite bundle Vue's development build.
        env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      },
    );
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`vite build of apps/client failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
  await rename(building, outDir).catch(async () => {
    await rm(building, { recursive: true, force: true }); // another run got there first
  });
  removeStaleBuilds(path.basename(outDir));
  return outDir;
}

/** Builds of older sources, left from earlier runs (kept for an hour in case a parallel run still serves one). */
function removeStaleBuilds(current: string): void {
  const anHourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(BUILD_PREFIX) || name === current) continue;
    const folder = path.join(tmpdir(), name);
    if ((statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < anHourAgo) rmSync(folder, { recursive: true, force: true });
  }
}
