#!/usr/bin/env node
/**
 * `npm start`'s build step: rebuilds the page and/or the server only when a source file is newer
 * than the build (make's rule, by modification time), so a second `npm start` starts at once.
 *
 *   node scripts/build-if-stale.mjs [client] [server]     (both when none is named)
 *
 * A checkout, `npm ci` or an edit makes the sources newer, so the next start rebuilds; specs are left
 * out because no build contains them. `npm run build:client` / `npm run build` always rebuild.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

const TARGETS = {
  client: {
    output: 'apps/client/dist/index.html',
    inputs: [
      'apps/client/src',
      'apps/client/public',
      'apps/client/index.html',
      'apps/client/vite.config.mts',
      'libs/shared/src',
      ...CONFIG_FILES,
    ],
    build: ['npm', ['run', 'build:client']],
  },
  server: {
    output: 'dist/apps/server/src/main.js',
    inputs: ['apps/server/src', 'libs', 'nest-cli.json', ...CONFIG_FILES],
    build: ['npx', ['nest', 'build', 'server']],
  },
};

/** Newest modification time under `relative` (a file or a folder), specs excluded; 0 when missing. */
function newestMtime(relative) {
  const full = path.join(ROOT, relative);
  let stats;
  try {
    stats = statSync(full);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return /\.spec\.ts$/.test(full) ? 0 : stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(relative, entry)));
  return newest;
}

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(TARGETS)) {
  const target = TARGETS[name];
  if (!target) {
    console.error(`build-if-stale: unknown target '${name}' (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(1);
  }
  const built = newestMtime(target.output);
  const changed = Math.max(...target.inputs.map(newestMtime));
  if (built > changed) {
    console.log(`build-if-stale: ${name} is up to date (${target.output})`);
    continue;
  }
  console.log(`build-if-stale: building ${name}${built ? ' (sources changed)' : ''}`);
  const [command, args] = target.build;
  try {
    execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  } catch {
    process.exit(1);
  }
}
