/**
 * Streams the drawing to the server and keeps the answer to show.
 *
 * While the pen moves, a frame goes out at most every `intervalMs` (the server debounces too, so a
 * short interval only means fresher guesses); pen-up, Undo, Predict and reconnecting send one at
 * once with `final: true`, and so does loading an image. An empty canvas sends nothing. Every frame carries a new `seq`; an
 * answer older than the one shown, or about a drawing since cleared or undone, is dropped.
 * Frames ask for the network's insides only while the page shows them (`insight`); asking for
 * something else (opening the panel, "why not 7?") sends the finished drawing again at once.
 */
import { computed, onScopeDispose, readonly, ref, shallowReadonly, shallowRef, watch, type Ref } from 'vue';
import type { FrameErrorPayload, FramePayload, InsightRequest, PredictionPayload } from '@live-digits/shared';
import type { Drawing } from './useDrawing';
import type { RecognitionSocket } from '../lib/socket';
import type { DrawingContent } from '../lib/strokes';

export const DEFAULT_FRAME_INTERVAL_MS = 150;
/** A frame error is a short note, not a state: it fades after this long (or with the next answer). */
export const FRAME_ERROR_VISIBLE_MS = 4000;

export interface RecognizerOptions {
  socket: Pick<RecognitionSocket, 'on' | 'emit' | 'connected'>;
  drawing: Pick<Drawing, 'content' | 'isEmpty' | 'onChange'>;
  /** The drawing as PNG bytes, exactly as a canvas of its size would export it. */
  encode: (content: DrawingContent) => Promise<ArrayBuffer>;
  intervalMs?: number;
  /** What frames ask to see of the network's insides; null (or absent): nothing. */
  insight?: Readonly<Ref<InsightRequest | null>>;
  now?: () => number;
}

export function useRecognizer({
  socket,
  drawing,
  encode,
  intervalMs = DEFAULT_FRAME_INTERVAL_MS,
  now = () => performance.now(),
  insight,
}: RecognizerOptions) {
  const prediction = shallowRef<PredictionPayload | null>(null);
  /**
   * Whether the prediction shown answers the drawing exactly as it is now, finished (pen up):
   * false from the moment the ink changes until the answer to the next final frame arrives.
   */
  const isFinal = ref(false);
  /** Frame sent → its prediction received, for the prediction shown. */
  const roundTripMs = ref<number | null>(null);
  const frameError = shallowRef<FrameErrorPayload | null>(null);

  let nextSeq = 1;
  /** Answers to frames before this one describe a drawing that was since cleared or undone. */
  let firstCurrentSeq = 1;
  let lastEmittedSeq = 0;
  let shownSeq = 0;
  /** The final frame describing the drawing as it is now; -1 while the ink is changing. */
  let currentFinalSeq = -1;
  let lastSendStartedAt = -Infinity;
  let throttle: ReturnType<typeof setTimeout> | undefined;
  let errorTimer: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Map<number, { sentAt: number }>();

  function showError(error: FrameErrorPayload | null): void {
    clearTimeout(errorTimer);
    frameError.value = error;
    if (error) errorTimer = setTimeout(() => (frameError.value = null), FRAME_ERROR_VISIBLE_MS);
  }

  /** Sends the drawing as it is now; resolves once the frame is on the socket (or dropped). */
  async function send(final: boolean): Promise<void> {
    cancelThrottle();
    if (drawing.isEmpty.value || !socket.connected) return; // nothing to read / sent again on reconnect
    const seq = nextSeq++;
    if (final) currentFinalSeq = seq;
    lastSendStartedAt = now();
    const image = await encode(drawing.content.value);
    // While this frame was being encoded, a newer one went out or the drawing was wiped.
    if (seq < lastEmittedSeq || seq < firstCurrentSeq || !socket.connected) return;
    lastEmittedSeq = seq;
    inFlight.set(seq, { sentAt: now() });
    const frame: FramePayload = { seq, image, final, preview: true };
    const request = insight?.value;
    if (request) frame.insight = request;
    socket.emit('frame', frame);
  }

  /** Mid-stroke: leading edge at once, then at most one frame per interval, the last one trailing. */
  function scheduleWhileDrawing(): void {
    if (throttle !== undefined) return;
    const wait = Math.max(0, lastSendStartedAt + intervalMs - now());
    throttle = setTimeout(() => {
      throttle = undefined;
      void send(false);
    }, wait);
  }

  function cancelThrottle(): void {
    if (throttle !== undefined) clearTimeout(throttle);
    throttle = undefined;
  }

  /** Forgets every answer still to come: they describe ink that is gone. */
  function startOver(): void {
    cancelThrottle();
    firstCurrentSeq = nextSeq;
    inFlight.clear();
    prediction.value = null;
    isFinal.value = false;
    roundTripMs.value = null;
    showError(null);
  }

  drawing.onChange((change) => {
    isFinal.value = false;
    currentFinalSeq = -1;
    if (change === 'grow') scheduleWhileDrawing();
    else if (change === 'finish') void send(true);
    else {
      startOver();
      void send(true); // what is left after Undo (nothing after Clear)
    }
  });

  socket.on('connect', () => void send(true));

  // A new question about the finished drawing: ask it now rather than at the next stroke.
  if (insight) {
    watch(
      () => JSON.stringify(insight.value ?? null),
      () => {
        if (currentFinalSeq !== -1) void send(true);
      },
    );
  }

  socket.on('prediction', (answer) => {
    if (answer.seq < firstCurrentSeq || answer.seq <= shownSeq) return;
    shownSeq = answer.seq;
    const frame = inFlight.get(answer.seq);
    for (const seq of inFlight.keys()) if (seq <= answer.seq) inFlight.delete(seq);
    prediction.value = answer;
    isFinal.value = answer.seq === currentFinalSeq;
    roundTripMs.value = frame ? now() - frame.sentAt : null;
    showError(null);
  });

  socket.on('frame:error', (error) => {
    // An error about a frame older than the answer shown, or about wiped ink, no longer matters.
    if (error.seq !== null && (error.seq < firstCurrentSeq || error.seq < shownSeq)) return;
    showError(error);
  });

  onScopeDispose(() => {
    cancelThrottle();
    clearTimeout(errorTimer);
  });

  const hasGuess = computed(() => prediction.value !== null && !prediction.value.empty && prediction.value.digit !== null);

  return {
    prediction: shallowReadonly(prediction),
    hasGuess,
    isFinal: readonly(isFinal),
    roundTripMs: readonly(roundTripMs),
    frameError: shallowReadonly(frameError),
    /** The Predict button: the current drawing, answered at once. */
    predict: () => send(true),
    /** The seq of the prediction shown (0 = none yet), for the page's test hooks. */
    shownSeq: computed(() => prediction.value?.seq ?? 0),
  };
}

export type Recognizer = ReturnType<typeof useRecognizer>;
