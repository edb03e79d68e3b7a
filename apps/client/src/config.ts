/**
 * The page's few settings. The frame interval can be set at build time (`VITE_FRAME_INTERVAL_MS`)
 * and overridden per visit with `?interval=<ms>`; anything unreadable falls back to the default.
 */
import { DEFAULT_FRAME_INTERVAL_MS } from './composables/useRecognizer';

export interface ClientConfig {
  /** Milliseconds between frames while the pen moves. */
  frameIntervalMs: number;
}

const MIN_INTERVAL_MS = 16;
const MAX_INTERVAL_MS = 5000;

function interval(raw: string | null | undefined): number | undefined {
  if (raw == null || !/^\d+$/.test(raw.trim())) return undefined;
  const value = Number(raw);
  return value >= MIN_INTERVAL_MS && value <= MAX_INTERVAL_MS ? value : undefined;
}

export function readClientConfig(search: string, buildTimeInterval?: string): ClientConfig {
  const fromUrl = interval(new URLSearchParams(search).get('interval'));
  return { frameIntervalMs: fromUrl ?? interval(buildTimeInterval) ?? DEFAULT_FRAME_INTERVAL_MS };
}
