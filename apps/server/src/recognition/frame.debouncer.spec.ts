import { FrameDebouncer, SequencedFrame } from './frame.debouncer';

interface Frame extends SequencedFrame {
  seq: number;
  final?: boolean;
}

/** A debouncer whose processing takes `workMs` of (fake) time, recording what it processed and when. */
function setup(workMs = 10, timings = { debounceMs: 60, maxWaitMs: 200 }) {
  const processed: Array<{ seq: number; at: number }> = [];
  const superseded: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sut = new FrameDebouncer<Frame>(timings, {
    process: async (frame) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      processed.push({ seq: frame.seq, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, workMs));
      inFlight--;
    },
    superseded: (frame) => superseded.push(frame.seq),
  });
  return { sut, processed, superseded, maxInFlight: () => maxInFlight, seqs: () => processed.map((p) => p.seq) };
}

describe(FrameDebouncer.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('processes a lone frame once the pen has paused for the debounce time', async () => {
    const { sut, processed } = setup();
    sut.push({ seq: 1 });
    await jest.advanceTimersByTimeAsync(59);
    expect(processed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(processed).toEqual([{ seq: 1, at: 60 }]);
  });

  it('keeps only the latest of a burst: the others are superseded, never processed', async () => {
    const { sut, seqs, superseded } = setup();
    for (let seq = 1; seq <= 5; seq++) {
      sut.push({ seq });
      await jest.advanceTimersByTimeAsync(10);
    }
    await jest.advanceTimersByTimeAsync(100);
    expect(seqs()).toEqual([5]);
    expect(superseded).toEqual([1, 2, 3, 4]);
  });

  it('answers a continuous stream at least every maxWait, in increasing seq', async () => {
    const { sut, processed, seqs } = setup();
    // A frame every 16 ms (60 fps) for one second: the debounce alone would never fire.
    for (let seq = 1; seq <= 62; seq++) {
      sut.push({ seq });
      await jest.advanceTimersByTimeAsync(16);
    }
    await jest.advanceTimersByTimeAsync(300);
    expect(processed.length).toBeGreaterThanOrEqual(5);
    expect(processed[0].at).toBeLessThanOrEqual(200);
    for (let i = 1; i < processed.length - 1; i++) expect(processed[i].at - processed[i - 1].at).toBeLessThanOrEqual(216);
    expect([...seqs()].sort((a, b) => a - b)).toEqual(seqs());
    expect(new Set(seqs()).size).toBe(seqs().length);
    expect(seqs().at(-1)).toBe(62);
  });

  it('flushes a final frame at once, without waiting for the debounce', async () => {
    const { sut, processed, superseded } = setup();
    sut.push({ seq: 1 });
    await jest.advanceTimersByTimeAsync(5);
    sut.push({ seq: 2, final: true });
    await jest.advanceTimersByTimeAsync(0);
    expect(processed).toEqual([{ seq: 2, at: 5 }]);
    expect(superseded).toEqual([1]);
  });

  it('keeps one frame in flight; the newest waiting frame runs right after it', async () => {
    const { sut, processed, superseded, maxInFlight } = setup(100);
    sut.push({ seq: 1, final: true }); // starts at 0, busy until 100
    await jest.advanceTimersByTimeAsync(10);
    sut.push({ seq: 2 });
    await jest.advanceTimersByTimeAsync(10);
    sut.push({ seq: 3 }); // debounce due at 80, while 1 is still in flight
    await jest.advanceTimersByTimeAsync(200);
    expect(processed).toEqual([
      { seq: 1, at: 0 },
      { seq: 3, at: 100 },
    ]);
    expect(superseded).toEqual([2]);
    expect(maxInFlight()).toBe(1);
  });

  it('a final frame arriving during processing starts as soon as the one in flight ends', async () => {
    const { sut, processed } = setup(50);
    sut.push({ seq: 1, final: true });
    await jest.advanceTimersByTimeAsync(20);
    sut.push({ seq: 2, final: true });
    await jest.advanceTimersByTimeAsync(100);
    expect(processed).toEqual([
      { seq: 1, at: 0 },
      { seq: 2, at: 50 },
    ]);
  });

  it('refuses a frame whose seq is not above one already seen, so answers stay in increasing seq', async () => {
    const { sut, seqs } = setup();
    expect(sut.push({ seq: 5 })).toBe('accepted');
    expect(sut.push({ seq: 5 })).toBe('stale');
    expect(sut.push({ seq: 3, final: true })).toBe('stale');
    await jest.advanceTimersByTimeAsync(100);
    expect(seqs()).toEqual([5]);
  });

  it('with a debounce of 0 processes every frame that is not superseded while another runs', async () => {
    const { sut, seqs } = setup(10, { debounceMs: 0, maxWaitMs: 0 });
    sut.push({ seq: 1 });
    sut.push({ seq: 2 });
    sut.push({ seq: 3 });
    await jest.advanceTimersByTimeAsync(50);
    expect(seqs()).toEqual([1, 3]);
  });

  it('drops the pending frame when closed and takes no more', async () => {
    const { sut, processed } = setup();
    sut.push({ seq: 1 });
    sut.close();
    expect(sut.push({ seq: 2 })).toBe('closed');
    await jest.advanceTimersByTimeAsync(500);
    expect(processed).toEqual([]);
  });

  it('drain() processes what is pending now and resolves when idle', async () => {
    const { sut, processed } = setup(30);
    sut.push({ seq: 1 });
    const drained = sut.drain();
    expect(sut.isIdle).toBe(false);
    await jest.advanceTimersByTimeAsync(30);
    await drained;
    expect(processed).toEqual([{ seq: 1, at: 0 }]);
    expect(sut.isIdle).toBe(true);
  });
});
