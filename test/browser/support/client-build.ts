/**
 * The built page for browser tests and the client benchmark: `vite build` of apps/client into a
 * temporary folder named after a hash of its sources, so a run tests the code as it is now and
 * several test files share one build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../..');
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
  const outDir = path.join(tmpdir(), `live-digits-client-${sourceHash()}`);
  if (existsSync(path.join(outDir, 'index.html'))) return outDir;
  // Built beside and renamed into place, so a parallel run never sees half a build.
  const building = `${outDir}.${process.pid}`;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  try {
    await promisify(execFile)(process.execPath, [vite, 'build', '--config', path.join(CLIENT, 'vite.config.mts'), '--outDir', building, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`vite build of apps/client failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
  await rename(building, outDir).catch(async () => {
    await rm(building, { recursive: true, force: true }); // another run got there first
  });
  return outDir;
}
