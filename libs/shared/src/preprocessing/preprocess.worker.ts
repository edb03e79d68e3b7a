/** A preprocessing thread: `preprocessNumber` off the caller's event loop (see PreprocessPool). */
import { parentPort } from 'node:worker_threads';
import { candidateImages, PreprocessError, preprocessNumber } from './preprocess';
import type { PreprocessRequest, PreprocessResponse } from './preprocess-pool';

const port = parentPort!;
port.on('message', ({ id, bytes, limits }: PreprocessRequest) => {
  preprocessNumber(bytes, limits).then(
    (number) => {
      // Every candidate's pixels move to the caller rather than being copied.
      const buffers = new Set(candidateImages(number).map((pixels) => pixels.buffer as ArrayBuffer));
      port.postMessage({ id, number } satisfies PreprocessResponse, [...buffers]);
    },
    (error: unknown) =>
      port.postMessage({
        id,
        error: {
          code: error instanceof PreprocessError ? error.code : undefined,
          message: error instanceof Error ? error.message : String(error),
        },
      } satisfies PreprocessResponse),
  );
});
