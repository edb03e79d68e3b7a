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

/** At most this many digits are read in one image; more ink pieces than that get TOO_MANY_DIGITS. */
export const MAX_DIGITS = 8;

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
  /** Ask for the network's insides: for the top guess (`true`) or for a chosen digit ("why not 7?"). */
  insight?: InsightRequest;
}

export type InsightRequest = true | { digit: number };

/**
 * Binary data as it crosses the socket: the server sends Uint8Array; a browser's Socket.IO client
 * hands it over as ArrayBuffer, Node's as Buffer (a Uint8Array). Over HTTP it is base64 text.
 */
export type WireBytes = Uint8Array | ArrayBuffer;

/** `[x, y, width, height]` in the submitted image's pixels. */
export type PixelBox = [number, number, number, number];

/** A greyscale picture, row-major, one byte (0–255) a pixel. */
export interface BytePlane<D = WireBytes> {
  width: number;
  height: number;
  data: D;
}

/** One layer's activations after the layer (ReLU included), each channel scaled to 0–255 on its own. */
export interface InsightLayer<D = WireBytes> {
  /** The layer's name in model.json. */
  name: string;
  kind: 'conv' | 'pool' | 'dense';
  /** A dense layer is `width` = units, `height` = 1, one channel. */
  width: number;
  height: number;
  /** Channels in `data`, channel-major (channels × height × width). */
  channels: number;
  /** Channels the layer has; more than `channels` when only some are sent (see `channelIndices`). */
  totalChannels: number;
  /** The layer's channel index of each channel in `data`, in order. */
  channelIndices: number[];
  data: D;
}

/**
 * Where the model's 28×28 input sits on the submitted image: source pixel (x, y) lands on input
 * pixel (x · scale + dx, y · scale + dy), so input (u, v) came from ((u − dx) / scale, (v − dy) / scale).
 * It is the preprocessing's own transform (ink crop, 20 px fit, centre-of-mass shift).
 */
export interface InputPlacement {
  scale: number;
  dx: number;
  dy: number;
}

/** What the network saw and did for one digit, from the forward pass that answered it. */
export interface DigitInsight<D = WireBytes> {
  /** The digit explained: the top guess unless the frame asked for another. */
  digit: number;
  /** The model's input, 28×28, white ink on black. */
  input: BytePlane<D>;
  /** How much each input pixel pushed the network towards `digit`, 28×28, 0–255. */
  saliency: BytePlane<D>;
  /** Conv, pool and dense activations, input to output. */
  layers: InsightLayer<D>[];
  placement: InputPlacement;
}

/** One digit of a number. */
export interface DigitReading<D = WireBytes> {
  digit: number;
  confidence: number;
  /** Ten probabilities for digits 0–9, summing to 1. */
  probabilities: number[];
  /** Where the digit's ink is, in the submitted image's pixels. */
  box: PixelBox;
  /** Only when the frame asked for a preview: this digit's 28×28 input as a PNG data URL. */
  preview?: string;
  /** Only when the frame asked for insight. */
  insight?: DigitInsight<D>;
}

/** Every digit on the canvas, read left to right. */
export interface NumberReading<D = WireBytes> {
  /** The digits read, e.g. "2026"; one digit on the canvas gives one character. */
  text: string;
  digits: DigitReading<D>[];
}

export interface StageTimings {
  queueMs: number;
  preprocessMs: number;
  inferenceMs: number;
  totalMs: number;
}

export interface PredictionPayload {
  seq: number;
  /** Nothing drawn: no guess, every probability 0, `number` null. */
  empty: boolean;
  /** The first (leftmost) digit's guess, for one-digit clients; `number` has every digit. */
  digit: number | null;
  confidence: number | null;
  /** Ten probabilities for digits 0–9, summing to 1 (all 0 when empty); the first digit's. */
  probabilities: number[];
  /** Every digit on the canvas, left to right; null when empty. */
  number: NumberReading | null;
  timings: StageTimings;
  modelId: string;
  /** Only when the frame asked: the first digit's 28×28 input as a PNG data URL (each `number.digits[i]` carries its own). */
  preview?: string;
  /** Only when the frame asked: the first digit's insight (each `number.digits[i]` carries its own). */
  insight?: DigitInsight;
}

export const FRAME_ERROR_CODES = [
  'INVALID_PAYLOAD',
  'INVALID_IMAGE',
  'IMAGE_TOO_LARGE',
  'TOO_MANY_DIGITS',
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
