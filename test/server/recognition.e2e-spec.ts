/** The realtime path end to end: frames over Socket.IO (websocket and polling) to predictions. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blankCanvasPng, drawingPng, drawnDigits, growingFrames } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import {
  connect,
  disconnectAll,
  exchange,
  nextEvent,
  record,
  sleep,
  startServer,
  TestServer,
  TRANSPORTS,
  within,
} from './support/test-server';

describe('recognition over Socket.IO (throwaway model)', () => {
  let modelDir: string;
  let server: TestServer;
  let slowServer: TestServer;
  let drawing: Buffer;
  let blank: Buffer;

  beforeAll(async () => {
    modelDir = await mkdtemp(path.join(tmpdir(), 'e2e-model-'));
    await saveThrowawayModel(modelDir, 11, 'throwaway-e2e', 0.5);
    server = await startServer({ modelDir });
    // A debounce long enough that only `final` can produce an answer within a test.
    slowServer = await startServer({ modelDir, debounceMs: 10_000, maxWaitMs: 20_000 });
    drawing = await drawingPng(drawnDigits(1, 5)[0]);
    blank = await blankCanvasPng();
  });
  afterEach(disconnectAll);
  afterAll(async () => {
    await server?.close();
    await slowServer?.close();
    await rm(modelDir, { recursive: true, force: true });
  });

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it('announces the model on connection', async () => {
      let announced: Promise<unknown> = Promise.resolve();
      await connect(server.url, transport, (socket) => (announced = nextEvent(socket, 'model')));
      await expect(announced).resolves.toEqual({ modelId: 'throwaway-e2e', testAccuracy: 0.5 });
    });

    it('answers a drawing with ten probabilities, the top digit, timings and the model id', async () => {
      const socket = await connect(server.url, transport);
      const { prediction } = await exchange(socket, { seq: 1, image: drawing, final: true });
      expect(prediction).toMatchObject({ seq: 1, empty: false, modelId: 'throwaway-e2e' });
      expect(prediction!.probabilities).toHaveLength(10);
      expect(prediction!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(prediction!.digit).toBe(prediction!.probabilities.indexOf(Math.max(...prediction!.probabilities)));
      expect(prediction!.confidence).toBe(Math.max(...prediction!.probabilities));
      expect(Object.keys(prediction!.timings).sort()).toEqual(['inferenceMs', 'preprocessMs', 'queueMs', 'totalMs']);
      expect(prediction!.preview).toBeUndefined();
    });

    it('takes the image as bytes, a data URL or bare base64 alike', async () => {
      const socket = await connect(server.url, transport);
      const answers = [
        await exchange(socket, { seq: 1, image: drawing, final: true }),
        await exchange(socket, { seq: 2, image: `data:image/png;base64,${drawing.toString('base64')}`, final: true }),
        await exchange(socket, { seq: 3, image: drawing.toString('base64'), final: true }),
      ];
      const probabilities = answers.map((answer) => answer.prediction?.probabilities);
      expect(probabilities[1]).toEqual(probabilities[0]);
      expect(probabilities[2]).toEqual(probabilities[0]);
    });

    it('answers an empty canvas with empty: true, no digit and all-zero probabilities', async () => {
      const socket = await connect(server.url, transport);
      const { prediction } = await exchange(socket, { seq: 1, image: blank, final: true });
      expect(prediction).toMatchObject({ seq: 1, empty: true, digit: null, confidence: null, probabilities: new Array(10).fill(0) });
    });

    it('sends the 28×28 the model saw when asked for a preview', async () => {
      const socket = await connect(server.url, transport);
      const { prediction } = await exchange(socket, { seq: 1, image: drawing, final: true, preview: true });
      expect(prediction!.preview).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    });

    it('streams: superseded frames get no answer, answers come in increasing seq, the last frame is answered', async () => {
      const socket = await connect(server.url, transport);
      const predictions = record(socket, 'prediction');
      const frames = await growingFrames(drawnDigits(1, 9)[0], 20);
      for (const [i, image] of frames.entries()) {
        socket.emit('frame', { seq: i + 1, image, final: i === frames.length - 1 });
        await sleep(15);
      }
      await within(
        (async () => {
          while (predictions.at(-1)?.seq !== 20) await sleep(10);
        })(),
        5000,
        'waiting for the prediction of frame 20',
      );
      const seqs = predictions.map((p) => p.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs.length).toBeGreaterThanOrEqual(2); // max wait: answers while drawing, not just at the end
      expect(seqs.length).toBeLessThan(20); // debounce: not every frame
    });

    it('final flushes at once, where the debounce would have waited', async () => {
      const socket = await connect(slowServer.url, transport);
      const predictions = record(socket, 'prediction');
      socket.emit('frame', { seq: 1, image: drawing });
      await sleep(300);
      expect(predictions).toEqual([]);
      const { prediction } = await exchange(socket, { seq: 2, image: drawing, final: true }, 2000);
      expect(prediction!.seq).toBe(2);
      expect(predictions.map((p) => p.seq)).toEqual([2]); // frame 1 was superseded, never answered
    });
  });
});
