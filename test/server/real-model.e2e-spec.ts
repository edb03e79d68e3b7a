/**
 * The committed model (`models/digit-net`, produced by `npm run train`) recognising drawings
 * streamed the way the page streams them: a growing drawing, a frame every ~16 ms, `final` at pointer-up.
 */
import * as path from 'node:path';
import { DEFAULT_MODEL_DIR, readModelMetadata } from '@live-digits/shared/model/model-files';
import { drawnDigits, growingFrames } from './support/drawings';
import { connect, disconnectAll, record, sleep, startServer, TestServer, TRANSPORTS, within } from './support/test-server';

const MODEL_DIR = path.resolve(__dirname, '../..', DEFAULT_MODEL_DIR);

describe('recognition with the committed model', () => {
  let server: TestServer;
  let modelId: string;

  beforeAll(async () => {
    const metadata = await readModelMetadata(MODEL_DIR);
    if (!metadata) throw new Error(`${MODEL_DIR} has no metadata`);
    modelId = metadata.modelId;
    server = await startServer({ modelDir: MODEL_DIR });
  });
  afterEach(disconnectAll);
  afterAll(() => server?.close());

  // Two digits of different shapes, drawn from MNIST test digits the model never trained on.
  const digits = drawnDigits(10, 2024).filter((digit) => digit.label === 3 || digit.label === 7);

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it.each(digits.map((digit) => [digit.label, digit] as const))(
      'a drawing of a %i streamed as 20 growing frames yields predictions in increasing seq and the last is right',
      async (label, digit) => {
        const frames = await growingFrames(digit, 20);
        const socket = await connect(server.url, transport);
        const predictions = record(socket, 'prediction');
        const errors = record(socket, 'frame:error');
        for (const [i, image] of frames.entries()) {
          socket.emit('frame', { seq: i + 1, image, final: i === frames.length - 1 });
          await sleep(16);
        }
        await within(
          (async () => {
            while (predictions.at(-1)?.seq !== 20) await sleep(10);
          })(),
          5000,
          'waiting for the prediction of the last frame',
        );

        expect(errors).toEqual([]);
        const seqs = predictions.map((p) => p.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(seqs.length);
        const last = predictions.at(-1)!;
        expect(last).toMatchObject({ seq: 20, empty: false, digit: label, modelId });
        expect(last.confidence).toBeGreaterThan(0.5);
      },
    );
  });
});
