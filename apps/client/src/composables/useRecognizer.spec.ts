import type { PredictionPayload } from '@live-digits/shared';
import { FakeSocket } from '../testing/fake-socket';
import { inScope } from '../testing/scope';
import type { DrawingContent, InkImage } from '../lib/strokes';
import { useDrawing } from './useDrawing';
import { FRAME_ERROR_VISIBLE_MS, useRecognizer } from './useRecognizer';

const INTERVAL = 150;

/** Encodes a drawing as the bytes [number of strokes, points in the last stroke, 1 with an image]. */
const encodeCounts = async ({ strokes, image }: DrawingContent) =>
  new Uint8Array([strokes.length, strokes.at(-1)?.length ?? 0, image ? 1 : 0]).buffer;

function answer(seq: number, digit: number | null = 3): PredictionPayload {
  const probabilities = Array.from({ length: 10 }, (_, d) => (digit === null ? 0 : d === digit ? 0.91 : 0.01));
  return {
    seq,
    empty: digit === null,
    digit,
    confidence: digit === null ? null : 0.91,
    probabilities,
    number:
      digit === null ? null : { text: String(digit), digits: [{ digit, confidence: 0.91, probabilities, box: [100, 100, 200, 200] }] },
    timings: { queueMs: 0, preprocessMs: 1, inferenceMs: 1, totalMs: 2 },
    modelId: 'test-model',
    preview: 'data:image/png;base64,AAAA',
  };
}

function setup(encode = encodeCounts) {
  jest.useFakeTimers();
  const socket = new FakeSocket();
  socket.connectionOpens();
  const drawing = useDrawing();
  const { result: sut, stop } = inScope(() =>
    useRecognizer({ socket: socket.asSocket(), drawing, encode, intervalMs: INTERVAL, now: () => Date.now() }),
  );
  return { sut, stop, socket, drawing };
}

/** Lets pending encodes resolve and timers up to `ms` from now run. */
const advance = (ms = 0) => jest.advanceTimersByTimeAsync(ms);

describe(useRecognizer.name, () => {
  afterEach(() => jest.useRealTimers());

  it('sends nothing for an empty canvas, even on Predict', async () => {
    const { sut, socket } = setup();

    await sut.predict();
    await advance(1000);

    expect(socket.frames).toEqual([]);
    expect(sut.prediction.value).toBeNull();
  });

  it('streams PNG bytes while drawing: the first frame at once, then at most one per interval', async () => {
    const { socket, drawing } = setup();

    drawing.begin(1, { x: 10, y: 10 });
    for (let t = 1; t <= 50; t++) {
      drawing.extend(1, [{ x: 10 + 2 * t, y: 10 }]);
      await advance(10); // a pointer sample every 10 ms for half a second
    }

    expect(socket.frames.length).toBeGreaterThanOrEqual(4);
    expect(socket.frames.length).toBeLessThanOrEqual(5);
    expect(socket.frames.map((f) => f.seq)).toEqual(socket.frames.map((_, i) => i + 1));
    for (const frame of socket.frames) {
      expect(frame).toMatchObject({ final: false, preview: true });
      expect(frame.image).toBeInstanceOf(ArrayBuffer);
    }
  });

  it('sends a final frame at pen-up at once, replacing the one the interval would send', async () => {
    const { socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    await advance();
    drawing.extend(1, [{ x: 50, y: 10 }]);

    drawing.end(1);
    await advance(INTERVAL * 3);

    expect(socket.frames.map((f) => [f.seq, f.final])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect([...new Uint8Array(socket.frames[1].image as ArrayBuffer)]).toEqual([1, 2, 0]);
  });

  it('shows the newest answer and ignores older ones arriving late', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    await advance();
    drawing.extend(1, [{ x: 50, y: 10 }]);
    drawing.end(1);
    await advance();

    socket.serverSends('prediction', answer(2, 7));
    socket.serverSends('prediction', answer(1, 1));

    expect(sut.prediction.value?.seq).toBe(2);
    expect(sut.prediction.value?.digit).toBe(7);
    expect(sut.isFinal.value).toBe(true);
    expect(sut.hasGuess.value).toBe(true);
  });

  it('marks as final only the answer about the finished drawing as it is now', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    await advance();
    socket.serverSends('prediction', answer(1));
    expect(sut.isFinal.value).toBe(false);

    drawing.end(1);
    await advance();
    socket.serverSends('prediction', answer(2));
    expect(sut.isFinal.value).toBe(true);

    drawing.begin(1, { x: 90, y: 90 });
    expect(sut.isFinal.value).toBe(false);
    expect(sut.prediction.value?.seq).toBe(2); // still shown, no flicker
  });

  it('measures the round trip of the answer shown', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    await advance();

    await advance(12);
    socket.serverSends('prediction', answer(1));

    expect(sut.roundTripMs.value).toBe(12);
  });

  it('after Clear, shows the empty state and drops answers about the cleared drawing', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    await advance();
    socket.serverSends('prediction', answer(1));

    drawing.clear();
    socket.serverSends('prediction', answer(1));
    await advance(1000);

    expect(sut.prediction.value).toBeNull();
    expect(sut.hasGuess.value).toBe(false);
    expect(socket.frames).toHaveLength(1);
  });

  it('after Undo, sends what is left as a final frame and drops answers about the longer drawing', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    drawing.begin(1, { x: 90, y: 90 });
    drawing.end(1);
    await advance();

    drawing.undo();
    await advance();
    socket.serverSends('prediction', answer(2, 8));

    expect(socket.frames.map((f) => [f.seq, f.final, new Uint8Array(f.image as ArrayBuffer)[0]])).toEqual([
      [1, true, 1],
      [2, true, 2],
      [3, true, 1],
    ]);
    expect(sut.prediction.value).toBeNull();
    socket.serverSends('prediction', answer(3, 1));
    expect(sut.prediction.value?.digit).toBe(1);
  });

  it('undoing the last stroke sends nothing', async () => {
    const { socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    await advance();

    drawing.undo();
    await advance(1000);

    expect(socket.frames).toHaveLength(1);
  });

  it('keeps drawing offline without queueing frames, and sends the drawing when the connection returns', async () => {
    const { socket, drawing } = setup();
    socket.connectionDrops();

    drawing.begin(1, { x: 10, y: 10 });
    drawing.extend(1, [{ x: 60, y: 60 }]);
    drawing.end(1);
    await advance(1000);
    expect(socket.frames).toEqual([]);

    socket.connectionOpens();
    await advance();

    expect(socket.frames).toEqual([expect.objectContaining({ seq: 1, final: true })]);
  });

  it('drops a frame whose encoding finished after a newer frame went out', async () => {
    const slowFirst = jest
      .fn<Promise<ArrayBuffer>, [DrawingContent]>()
      .mockImplementationOnce(() => new Promise((resolve) => setTimeout(() => resolve(new ArrayBuffer(1)), 50)))
      .mockImplementation(async () => new ArrayBuffer(2));
    const { socket, drawing } = setup(slowFirst);

    drawing.begin(1, { x: 10, y: 10 });
    await advance(); // frame 1 starts encoding
    drawing.end(1); // frame 2, encoded at once
    await advance(100);

    expect(socket.frames.map((f) => f.seq)).toEqual([2]);
  });

  it('sends a loaded image at once as a final frame, forgetting the answer about the ink it replaced', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    await advance();
    socket.serverSends('prediction', answer(1));

    drawing.load('picture' as unknown as InkImage);
    expect(sut.prediction.value).toBeNull();
    await advance();
    socket.serverSends('prediction', answer(1, 7)); // late, about the strokes

    expect(socket.frames.at(-1)).toMatchObject({ seq: 2, final: true });
    expect(new Uint8Array(socket.frames.at(-1)!.image as ArrayBuffer)).toEqual(new Uint8Array([0, 0, 1]));
    expect(sut.prediction.value).toBeNull();
    socket.serverSends('prediction', answer(2, 4));
    expect(sut.prediction.value?.digit).toBe(4);
    expect(sut.isFinal.value).toBe(true);
  });

  it('shows a frame error briefly, and the next answer replaces it', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    await advance();

    socket.serverSends('frame:error', { seq: 1, code: 'RATE_LIMITED', message: 'Too many frames; slow down.' });
    expect(sut.frameError.value?.message).toBe('Too many frames; slow down.');
    await advance(FRAME_ERROR_VISIBLE_MS);
    expect(sut.frameError.value).toBeNull();

    socket.serverSends('frame:error', { seq: null, code: 'INVALID_PAYLOAD', message: 'Bad frame.' });
    socket.serverSends('prediction', answer(1));
    expect(sut.frameError.value).toBeNull();
  });

  it('ignores an error about a frame older than the answer shown', async () => {
    const { sut, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    await advance();
    drawing.end(1);
    await advance();
    socket.serverSends('prediction', answer(2));

    socket.serverSends('frame:error', { seq: 1, code: 'RATE_LIMITED', message: 'Too many frames.' });

    expect(sut.frameError.value).toBeNull();
  });

  it('stops its timers when the page goes away', async () => {
    const { stop, socket, drawing } = setup();
    drawing.begin(1, { x: 10, y: 10 });
    await advance();
    drawing.extend(1, [{ x: 90, y: 10 }]);

    stop();
    await advance(1000);

    expect(socket.frames).toHaveLength(1);
  });
});
