/**
 * One socket's stream of frames, shaped so the network answers while the person draws without
 * piling up work: a trailing debounce (answer when the pen pauses) with a maximum wait (a
 * continuous stroke still gets several answers a second), latest frame wins, and at most one
 * frame per socket in preprocessing / inference. `final` (pointer-up) skips the wait.
 *
 * Guarantees: a superseded frame is never processed; frames are processed in increasing seq,
 * one at a time, so their predictions reach the socket in increasing seq.
 */

export interface DebounceTimings {
  /** Quiet time after the latest frame before it is processed. 0 = no debounce. */
  debounceMs: number;
  /** Longest a frame waits from the first unprocessed frame of a burst. */
  maxWaitMs: number;
}

export interface SequencedFrame {
  seq: number;
  final?: boolean;
}

export interface DebouncerHandlers<T> {
  /** Runs one frame to its answer; must settle, and should not reject. */
  process(frame: T): Promise<void>;
  /** A newer frame replaced this one before it started. */
  superseded(frame: T): void;
}

export type PushResult = 'accepted' | 'stale' | 'closed';

export class FrameDebouncer<T extends SequencedFrame> {
  private pending: T | undefined;
  /** The pending frame should start as soon as the in-flight one is done. */
  private due = false;
  private debounceTimer: NodeJS.Timeout | undefined;
  private maxWaitTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private highestSeq = -Infinity;
  private closed = false;

  constructor(
    private readonly timings: DebounceTimings,
    private readonly handlers: DebouncerHandlers<T>,
  ) {}

  /** Queues a frame. `stale`: its seq is not above one already seen, so it would arrive out of order. */
  push(frame: T): PushResult {
    if (this.closed) return 'closed';
    if (frame.seq <= this.highestSeq) return 'stale';
    this.highestSeq = frame.seq;

    if (this.pending) {
      this.handlers.superseded(this.pending);
    } else if (this.timings.maxWaitMs > 0) {
      this.maxWaitTimer = setTimeout(() => this.flush(), this.timings.maxWaitMs);
    }
    this.pending = frame;

    if (frame.final || this.timings.debounceMs === 0) {
      this.flush();
    } else {
      clearTimeout(this.debounceTimer);
      this.debounceTimer = setTimeout(() => this.flush(), this.timings.debounceMs);
    }
    return 'accepted';
  }

  /** Processes the pending frame now, or right after the in-flight one. */
  flush(): void {
    if (!this.pending) return;
    this.due = true;
    this.clearTimers();
    if (!this.inFlight) this.startPending();
  }

  get isIdle(): boolean {
    return !this.pending && !this.inFlight;
  }

  /** Flushes what is pending and resolves once nothing is pending or in flight (graceful shutdown). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight) await this.inFlight;
  }

  /** Stops for good (socket gone): the pending frame is dropped, the in-flight one finishes unobserved. */
  close(): void {
    this.closed = true;
    this.pending = undefined;
    this.clearTimers();
  }

  private startPending(): void {
    const frame = this.pending;
    if (!frame) return;
    this.pending = undefined;
    this.due = false;
    this.inFlight = this.handlers
      .process(frame)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = undefined;
        if (this.pending && this.due) this.startPending();
      });
  }

  private clearTimers(): void {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.maxWaitTimer);
    this.debounceTimer = this.maxWaitTimer = undefined;
  }
}
