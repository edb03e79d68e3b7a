/**
 * The socket contract between the page, the server and any third-party client. Declared once;
 * server, client and tests import it. Socket.IO, default namespace, path `/socket.io`.
 */

/**
 * The page's drawing is CANVAS_SIZE × CANVAS_SIZE canvas pixels, and its frames are PNGs of that
 * size; the drawn-digit generator and the tests draw on the same canvas. The server accepts any
 * size up to its MAX_IMAGE_SIDE: this is the page's choice, not a limit.
 */
export const CANVAS_SIZE = 400;

/** PNG / JPEG / WebP bytes, or a string: a data URL or bare base64. */
export type ImagePayload = ArrayBuffer | Uint8Array | string;

export interface FramePayload {
  /** Client-chosen, increasing per socket; predictions echo it. */
  seq: number;
  image: ImagePayload;
  /** Pointer-up: skip the debounce and answer at once. */
  final?: boolean;
  /** Ask for the 28×28 image the model saw, as a PNG data URL. */
  preview?: boolean;
}

export interface StageTimings {
  queueMs: number;
  preprocessMs: number;
  inferenceMs: number;
  totalMs: number;
}

export interface PredictionPayload {
  seq: number;
  /** Nothing drawn: no guess, every probability 0. */
  empty: boolean;
  digit: number | null;
  confidence: number | null;
  /** Ten probabilities for digits 0–9, summing to 1 (all 0 when empty). */
  probabilities: number[];
  timings: StageTimings;
  modelId: string;
  preview?: string;
}

export const FRAME_ERROR_CODES = [
  'INVALID_PAYLOAD',
  'INVALID_IMAGE',
  'IMAGE_TOO_LARGE',
  'RATE_LIMITED',
  'MODEL_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];

export interface FrameErrorPayload {
  seq: number | null;
  code: FrameErrorCode;
  /** A sentence a person understands. */
  message: string;
}

/**
 * The answer to a `frame` emitted with an acknowledgement callback, besides the usual events: its
 * prediction, its error, or `superseded` when a newer frame replaced it before it was processed.
 */
export type FrameAck =
  { ok: true; prediction: PredictionPayload } | { ok: false; error: FrameErrorPayload } | { ok: false; superseded: true; seq: number };

export interface FeedbackPayload {
  image: ImagePayload;
  label: number;
  predicted?: number;
}

export const FEEDBACK_ERROR_CODES = [
  'INVALID_PAYLOAD',
  'INVALID_IMAGE',
  'IMAGE_TOO_LARGE',
  'RATE_LIMITED',
  'STORAGE_FAILED',
  'STORAGE_FULL',
] as const;
export type FeedbackErrorCode = (typeof FEEDBACK_ERROR_CODES)[number];

export type FeedbackAck = { ok: true; id: string } | { ok: false; code: FeedbackErrorCode; message: string };

export interface ModelPayload {
  modelId: string;
  testAccuracy: number | null;
}

/** How many people are connected to the whole deployment (every process, every node), this one included. */
export interface PresencePayload {
  drawing: number;
}

export interface ClientToServerEvents {
  frame: (payload: FramePayload, ack?: (answer: FrameAck) => void) => void;
  feedback: (payload: FeedbackPayload, ack: (answer: FeedbackAck) => void) => void;
}

export interface ServerToClientEvents {
  prediction: (payload: PredictionPayload) => void;
  'frame:error': (payload: FrameErrorPayload) => void;
  model: (payload: ModelPayload) => void;
  /** On connection, then to everyone whenever the count changes, at most once a second. */
  presence: (payload: PresencePayload) => void;
}

export const SOCKET_PATH = '/socket.io';
