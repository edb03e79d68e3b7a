import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts `<directory>/<name>.js`, or under ts-node / jest, where the caller runs from TypeScript
 * source, `<name>.ts` with the same on-the-fly compilation and path aliases.
 */
export function startWorker(callerFile: string, name: string, workerData?: unknown): Worker {
  const compiled = path.extname(callerFile) === '.js';
  const file = path.join(path.dirname(callerFile), `${name}${compiled ? '.js' : '.ts'}`);
  const execArgv = compiled ? [] : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
  return new Worker(file, { workerData, execArgv });
}
