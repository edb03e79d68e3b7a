/** A drawing-pool thread: renders chunks of training digits as canvas drawings and preprocesses them. */
import { parentPort, workerData } from 'node:worker_threads';
import { generateDrawnDigits } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { generateStyledDigits } from '@live-digits/digit-data/drawn-digits/writing-styles';
import { DrawingPoolRequest, DrawingPoolResponse, DrawingPoolWorkerSetup } from './drawing-pool';
import { drawingsToImageSet } from './render-drawings';

const setup = workerData as DrawingPoolWorkerSetup;
const source = {
  images: { pixels: new Uint8Array(setup.source.pixels), count: setup.source.count },
  labels: new Uint8Array(setup.source.labels),
};
const port = parentPort!;

port.on('message', (chunk: DrawingPoolRequest) => {
  const digits =
    chunk.kind === 'drawn'
      ? generateDrawnDigits(source, chunk.count, chunk.seed)
      : generateStyledDigits(source, chunk.count, chunk.seed, chunk.styles);
  drawingsToImageSet(digits).then(
    ({ pixels, labels }) =>
      port.postMessage({ type: 'images', pixels, labels } satisfies DrawingPoolResponse, [
        pixels.buffer as ArrayBuffer,
        labels.buffer as ArrayBuffer,
      ]),
    (error: unknown) =>
      port.postMessage({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies DrawingPoolResponse),
  );
});
port.postMessage({ type: 'ready' } satisfies DrawingPoolResponse);
