/** A preprocessing thread: `preprocessImage` off the caller's event loop (see PreprocessPool). */
import { parentPort } from 'node:worker_threads';
import { PreprocessError, preprocessImage } from './preprocess';
import type { PreprocessRequest, PreprocessResponse } from './preprocess-pool';

const port = parentPort!;
port.on('message', ({ id, bytes, limits }: PreprocessRequest) => {
  preprocessImage(bytes, limits).then(
    (image) => port.postMessage({ id, image } satisfies PreprocessResponse, [image.pixels.buffer as ArrayBuffer]),
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
