/** Small parsers for CLI flags: each returns the value or throws one sentence naming the flag. */
import { statSync } from 'node:fs';
import { BACKEND_NAMES, BackendName, isBackendName } from '@live-digits/shared/tf/tf';
import { OptionError } from '../option-error';

export class FlagError extends Error {}

export function positiveInteger(flag: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new FlagError(`${flag} must be a whole number of at least 1, got '${raw}'`);
  }
  return value;
}

export function positiveNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new FlagError(`${flag} must be a number above 0, got '${raw}'`);
  return value;
}

export function nonNegativeNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new FlagError(`${flag} must be a number of at least 0, got '${raw}'`);
  return value;
}

export function nonNegativeInteger(flag: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) throw new FlagError(`${flag} must be a whole number, got '${raw}'`);
  return value;
}

export function backendName(flag: string, raw: string): BackendName {
  if (!isBackendName(raw)) throw new FlagError(`${flag} must be one of ${BACKEND_NAMES.join(', ')}, got '${raw}'`);
  return raw;
}

/** `TFJS_BACKEND` forces a backend for the CLI as it does for the server; a flag wins over it. */
export function backendFromEnvironment(): BackendName | undefined {
  const value = process.env.TFJS_BACKEND;
  return value && value !== 'auto' ? backendName('TFJS_BACKEND', value) : undefined;
}

export function existingFolder(flag: string, value: string): string {
  let isFolder = false;
  try {
    isFolder = statSync(value).isDirectory();
  } catch {
    throw new FlagError(`${flag} ${value} does not exist`);
  }
  if (!isFolder) throw new FlagError(`${flag} ${value} is not a folder`);
  return value;
}

/** A service's option error in the user's words: `batchSize 300 is larger…` becomes `--batch-size 300 is larger…`. */
export function flagErrorFrom(error: Error, flags: Record<string, string>): Error {
  if (!(error instanceof OptionError) || !(error.option in flags)) return error;
  return new FlagError(`${flags[error.option]} ${error.problem}`);
}
