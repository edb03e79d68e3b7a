/**
 * Canvas drawing → MNIST-style 28×28: the one preprocessing that the server, `train` and
 * `evaluate` all run, so the model meets drawings exactly as it met them in training.
 *
 * MNIST's digits were made like this (LeCun et al.): the ink of each scanned digit was scaled,
 * keeping its aspect ratio, to fit a 20×20 box, anti-aliased, so the strokes have soft grey
 * edges; then the 20×20 was placed in a 28×28 field so that the centre of mass of the ink sits at
 * the centre. A network trained on MNIST has only ever seen digits that obey those conventions:
 * white ink on black, longest side 20 px, 4 px of empty margin, mass-centred. A canvas drawing is
 * dark ink on a transparent or white 400×400 canvas, any size, anywhere; we bring it into the
 * same distribution.
 *
 * Speed: sharp decodes once to raw pixels (≈ 1 ms for a 400×400 PNG); everything after that is a
 * few linear passes in plain JS over bytes. The obvious chain of sharp operations (trim, resize,
 * extend) costs ≈ 10× more in the same run; `npm run bench` measures both.
 */
import sharp from 'sharp';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from '../model/model-contract';
import { MAX_DIGITS } from '../protocol/recognition.events';
import type { ImagePayload, InputPlacement } from '../protocol/recognition.events';
import { findInkPieces, groupDigits, InkGroup, MAX_PIECES, median, readingsOf } from './segmentation';

export interface PreprocessLimits {
  /** Largest encoded image accepted, in bytes. */
  maxBytes: number;
  /** Largest decoded width and height accepted, in pixels: guards against decompression bombs. */
  maxWidth: number;
  maxHeight: number;
}

export const DEFAULT_PREPROCESS_LIMITS: PreprocessLimits = { maxBytes: 1_000_000, maxWidth: 2048, maxHeight: 2048 };

/** The ink's bounding box, in source pixels. */
export interface InkBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreprocessedImage {
  /** IMAGE_SIDE × IMAGE_SIDE (28×28) values, row-major, in [0, 1], white ink (1) on black (0): the model's input. */
  pixels: Float32Array;
  /** No ink worth calling a digit: pixels are all 0 and there is no guess to make. */
  empty: boolean;
  inkBox: InkBox | null;
  /** Where the 28×28 sits on the source image (null when empty): see {@link InputPlacement}. */
  placement: InputPlacement | null;
  /** Size of the source image. */
  width: number;
  height: number;
}

/** One digit's ink made the model's input. */
export interface DigitCandidate {
  /** The 28×28 input, as PreprocessedImage.pixels. */
  pixels: Float32Array;
  /** This digit's ink box, in source pixels. */
  box: InkBox;
  placement: InputPlacement;
}

/** Every digit on a canvas, each preprocessed as a lone digit would be. */
export interface PreprocessedNumber {
  width: number;
  height: number;
  /** No ink worth calling a digit: `groups` is empty. */
  empty: boolean;
  /**
   * Ink groups left to right; each lists its alternative readings: [one digit], and for a wide group also [two], [three]
   * (each cut two ways when the two guesses at where touching digits meet differ), and for a group joined from a short
   * piece and its neighbour, the two apart. The whole group always comes first.
   */
  groups: DigitCandidate[][][];
}

export type PreprocessErrorCode = 'INVALID_IMAGE' | 'IMAGE_TOO_LARGE' | 'TOO_MANY_DIGITS';

/** A frame we refuse, with a stable code and a sentence a person understands. */
export class PreprocessError extends Error {
  constructor(
    readonly code: PreprocessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PreprocessError';
  }
}

/** MNIST fitted each digit's ink into a 20×20 box, leaving a 4 px margin in the 28×28 field. */
export const MNIST_BOX = 20;
/**
 * Where MNIST puts the centre of mass, in pixel indices (Σ value·index / Σ value). Measured on
 * the training set the mean is (14.00, 14.00): pixel (14, 14), half a pixel right of and below
 * the field's geometric centre (13.5, 13.5) in index terms.
 */
export const MNIST_CENTRE = 14;

const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);
/** Ink fainter than this share of the strongest ink is noise: JPEG ringing, paper texture, a smudge. */
const NOISE_THRESHOLD = 0.1;
/** Below this contrast between ink and background (0–1) the image is a blank page, however noisy. */
const MIN_CONTRAST = 0.15;
/** A digit has more than a handful of solid ink pixels; fewer is a stray click or a speck. */
const MIN_INK_PIXELS = 8;

export async function preprocessImage(bytes: Uint8Array, limits: Partial<PreprocessLimits> = {}): Promise<PreprocessedImage> {
  const image = await decode(bytes, { ...DEFAULT_PREPROCESS_LIMITS, ...limits });
  return toMnist(image);
}

/**
 * Every digit of a canvas, left to right, each turned into the model's 28×28 exactly as
 * `preprocessImage` turns a lone digit (a canvas with one piece of ink gives the same pixels).
 * Refuses what `preprocessImage` refuses, and more than MAX_DIGITS digits with TOO_MANY_DIGITS.
 * Run `candidateImages` through the model in one batch, then `chooseReadings`.
 */
export async function preprocessNumber(bytes: Uint8Array, limits: Partial<PreprocessLimits> = {}): Promise<PreprocessedNumber> {
  const image = await decode(bytes, { ...DEFAULT_PREPROCESS_LIMITS, ...limits });
  return toMnistNumber(image);
}

/** Every candidate image of every group, flattened in order: run them through the model in ONE batch. */
export function candidateImages(number: PreprocessedNumber): Float32Array[] {
  return number.groups.flatMap((readings) => readings.flatMap((candidates) => candidates.map((candidate) => candidate.pixels)));
}

/**
 * Given softmax rows for candidateImages() (row-major, 10 per image), the chosen digits left to right.
 * Of a group's readings the likeliest wins: the highest product of its digits' top probabilities
 * (a tie keeps fewer digits). Each digit more multiplies by a probability under 1, so a cut or a
 * piece read apart must be read surely to beat the whole; the geometric mean, a vote per digit,
 * let a 5's flag or half a 7 read as a digit of its own whenever the whole was read a little unsure.
 * Should the cuts add up to more than MAX_DIGITS, the cuts that gain least are undone.
 */
export function chooseReadings(
  number: PreprocessedNumber,
  probabilities: Float32Array,
): Array<{ candidate: DigitCandidate; probabilities: Float32Array }> {
  let row = 0;
  const scored = number.groups.map((readings) =>
    readings.map((candidates) => {
      const digits = candidates.map((candidate) => ({
        candidate,
        probabilities: probabilities.subarray(row * CLASS_COUNT, ++row * CLASS_COUNT),
      }));
      return { digits, score: digits.reduce((sum, digit) => sum + Math.log(Math.max(...digit.probabilities)), 0) };
    }),
  );
  if (row * CLASS_COUNT !== probabilities.length) {
    throw new RangeError(`chooseReadings needs ${row * CLASS_COUNT} probabilities (${row} images), got ${probabilities.length}.`);
  }
  const chosen = scored.map((readings) => readings.reduce((best, reading, i) => (reading.score > readings[best].score ? i : best), 0));
  const count = () => chosen.reduce((sum, choice, g) => sum + scored[g][choice].digits.length, 0);
  while (count() > MAX_DIGITS) {
    const gain = (g: number) => scored[g][chosen[g]].score - scored[g][0].score;
    const cut = chosen.map((choice, g) => g).filter((g) => chosen[g] > 0);
    chosen[cut.reduce((least, g) => (gain(g) < gain(least) ? g : least))] = 0;
  }
  return chosen.flatMap((choice, g) => scored[g][choice].digits);
}

interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
  hasAlpha: boolean;
}

async function decode(bytes: Uint8Array, { maxBytes, maxWidth, maxHeight }: PreprocessLimits): Promise<RawImage> {
  if (bytes.length === 0) throw new PreprocessError('INVALID_IMAGE', 'The image is empty (0 bytes).');
  if (bytes.length > maxBytes) throw tooManyBytes(bytes.length, maxBytes);
  // The header alone (no pixel decoding) tells the format, the declared size and what decoding
  // will cost, so a pixel bomb — a small file declaring 50 000 × 50 000 pixels, or 16-bit samples
  // that take ten times a canvas' work — is refused before any memory or time is spent. sharp's
  // own pixel limit is lifted for this look only: it would call a huge image "invalid".
  const header =
    pngHeader(bytes) ??
    (await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .then(({ format, width = 0, height = 0, channels = 4, depth }) => ({
        format,
        width,
        height,
        bytesPerPixel: channels * (depth === 'ushort' || depth === 'short' ? 2 : 1),
      }))
      .catch((error: unknown) => {
        throw new PreprocessError('INVALID_IMAGE', `The data is not a PNG, JPEG or WebP image (${reason(error)}).`);
      }));
  const { format, width, height, bytesPerPixel } = header;
  // Size before format: a huge image of any kind is too large, whatever else is wrong with it.
  if (width > maxWidth || height > maxHeight) {
    throw new PreprocessError(
      'IMAGE_TOO_LARGE',
      `The image is ${width}×${height} pixels, larger than the ${maxWidth}×${maxHeight} allowed.`,
    );
  }
  if (!ACCEPTED_FORMATS.has(format)) {
    throw new PreprocessError('INVALID_IMAGE', `The image is ${format.toUpperCase()}; only PNG, JPEG and WebP are accepted.`);
  }
  // The work of a decode is the samples it writes. The budget is an 8-bit RGBA image at the side
  // limit; 16-bit samples over a large image exceed it (a 2048² 16-bit PNG of 32 KB took ≈ 130 ms).
  const decodeBudget = maxWidth * maxHeight * 4;
  if (width * height * bytesPerPixel > decodeBudget) {
    throw new PreprocessError(
      'IMAGE_TOO_LARGE',
      `The image would decode to ${Math.ceil((width * height * bytesPerPixel) / 1e6)} MB (${width}×${height} pixels of ${bytesPerPixel} bytes), ` +
        `more than the ${Math.ceil(decodeBudget / 1e6)} MB allowed; send 8-bit samples or a smaller image.`,
    );
  }
  try {
    // failOn 'truncated' refuses cut-off data (PNG's chunk structure is checked above too);
    // limitInputPixels is a second guard in case the header lied.
    let pipeline = sharp(bytes, { failOn: 'truncated', limitInputPixels: maxWidth * maxHeight, sequentialRead: true });
    // JPEG and WebP decode at 1/2, 1/4 or 1/8 scale for almost nothing (shrink-on-load): a large
    // photo costs about what a canvas does. The ink ends up 20 px wide, so SHRINK_SIDE loses nothing.
    if (format !== 'png' && Math.max(width, height) > SHRINK_SIDE) {
      pipeline = pipeline.resize(SHRINK_SIDE, SHRINK_SIDE, { fit: 'inside', fastShrinkOnLoad: true });
    }
    // Raw output is 8-bit sRGB with 3 or 4 channels, whatever the input.
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels, hasAlpha: info.hasAlpha };
  } catch (error) {
    throw new PreprocessError('INVALID_IMAGE', `The image cannot be decoded; it may be truncated or corrupt (${reason(error)}).`);
  }
}

/** JPEG and WebP larger than this on a side are shrunk while decoding. */
export const SHRINK_SIDE = 1024;

function tooManyBytes(length: number, maxBytes: number): PreprocessError {
  return new PreprocessError('IMAGE_TOO_LARGE', `The image is ${length} bytes, more than the ${maxBytes} bytes allowed.`);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel for each PNG colour type (a palette decodes to RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 4, 4: 2, 6: 4 };

/**
 * A PNG's size sits at a fixed place in its first chunk (IHDR), so the canvas' own format is
 * checked without a round trip through sharp (≈ 0.3 ms a frame); other formats ask sharp.
 * The chunk structure is walked too (a few dozen chunks, no data read): libpng decodes a PNG cut
 * inside IDAT or missing IEND without complaint, and the contract calls those INVALID_IMAGE.
 */
function pngHeader(bytes: Uint8Array): { format: string; width: number; height: number; bytesPerPixel: number } | null {
  if (bytes.length < 8 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkType = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  const broken = (what: string) => new PreprocessError('INVALID_IMAGE', `The PNG is truncated or corrupt: ${what}.`);
  if (bytes.length < 33 || chunkType(12) !== 'IHDR' || view.getUint32(8) !== 13) throw broken('it does not start with an IHDR chunk');
  let sawData = false;
  for (let at = 8; ;) {
    if (at + 12 > bytes.length) throw broken('it ends without an IEND chunk');
    const length = view.getUint32(at);
    const type = chunkType(at + 4);
    if (at + 12 + length > bytes.length) throw broken(`it is cut off inside its ${type} chunk`);
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!sawData) throw broken('it has no image data (IDAT)');
  const bitDepth = bytes[24];
  const channels = PNG_CHANNELS[bytes[25]] ?? 4;
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), bytesPerPixel: channels * (bitDepth === 16 ? 2 : 1) };
}

/**
 * The pixels a PNG declares in its IHDR (two numbers at a fixed place; nothing is checked), or
 * undefined for anything else: what a scheduler needs to tell a canvas from a heavy decode.
 * JPEG and WebP need no such care: they shrink while decoding.
 */
export function declaredPngPixels(bytes: Uint8Array): number | undefined {
  if (bytes.length < 24 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 24);
  return view.getUint32(16) * view.getUint32(20);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Everything after decoding: plain loops over the raw buffer. */
function toMnist(image: RawImage): PreprocessedImage {
  const { width, height } = image;
  const blank = { pixels: new Float32Array(IMAGE_PIXELS), empty: true, inkBox: null, placement: null, width, height };
  const ink = findInk(image);
  if (!ink) return blank;
  const { pixels, placement } = mnistDigit(ink.plane, ink.levels, width, ink.box);
  return { pixels, empty: false, inkBox: ink.box, placement, width, height };
}

/** The ink of a decoded image and how to read it, or null when there is none worth a digit. */
function findInk(image: RawImage): { plane: InkPlane; levels: Float32Array; box: InkBox; faintest: number } | null {
  const plane = inkPlane(image);
  const profile = inkProfile(plane, image.width, image.height);
  if (profile.strongest < MIN_CONTRAST * 255) return null;
  const levels = inkLevels(profile.strongest);
  const faintest = faintestInk(levels);
  const box = findInkBox(profile, levels, faintest);
  return box && { plane, levels, box, faintest };
}

/**
 * The whole canvas' ink (one decode, one profiling pass), then its pieces within the ink box
 * (segmentation.ts), then each digit's own ink through the same fit as a lone digit. A canvas
 * holding one piece of ink takes the lone digit's path unchanged.
 */
function toMnistNumber(image: RawImage): PreprocessedNumber {
  const { width, height } = image;
  const blank: PreprocessedNumber = { width, height, empty: true, groups: [] };
  const ink = findInk(image);
  if (!ink) return blank;
  const { plane, levels, box, faintest } = ink;
  const pieces = findInkPieces({ ...plane, width, height, threshold: faintest }, box);
  if (!pieces) throw tooManyDigits(`it has more than ${MAX_PIECES} separate pieces of ink`);
  const groups = groupDigits(pieces, box.height);
  if (groups.length > MAX_DIGITS) throw tooManyDigits(`it has ${groups.length} separate marks that look like digits`);
  const allInk = pieces.reduce((sum, piece) => sum + piece.pixels, 0);
  const digitHeight = median(groups.map((group) => group.box.height));
  const candidate = (part: InkGroup): DigitCandidate =>
    // A group holding all the ink has the ink box: it is read in place, as preprocessImage reads it.
    part.pixels === allInk ? { ...mnistDigit(plane, levels, width, box), box } : digitOf(part, plane, levels, width);
  return {
    width,
    height,
    empty: false,
    groups: groups.map((group) => readingsOf(group, digitHeight, MAX_DIGITS - groups.length + 1).map((parts) => parts.map(candidate))),
  };
}

function tooManyDigits(why: string): PreprocessError {
  return new PreprocessError('TOO_MANY_DIGITS', `The image cannot be read as a number of at most ${MAX_DIGITS} digits: ${why}.`);
}

/** One group's ink alone (other digits' ink inside its box masked out), preprocessed as a lone digit. */
function digitOf(group: InkGroup, plane: InkPlane, levels: Float32Array, imageWidth: number): DigitCandidate {
  const { box } = group;
  const own = new Uint8Array(box.width * box.height);
  for (const run of group.runs) {
    const target = (run.y - box.y) * box.width - box.x;
    for (let x = run.start, o = plane.offset + (run.y * imageWidth + x) * plane.stride; x < run.end; x++, o += plane.stride) {
      own[target + x] = plane.values[o];
    }
  }
  const { pixels, placement } = mnistDigit({ values: own, offset: 0, stride: 1 }, levels, box.width, { ...box, x: 0, y: 0 });
  // The fit ran on the box's own coordinates; the placement is stated in the image's.
  return {
    pixels,
    box,
    placement: { scale: placement.scale, dx: placement.dx - box.x * placement.scale, dy: placement.dy - box.y * placement.scale },
  };
}

/**
 * The MNIST-style preprocessing of one digit's ink box, and where it put the box: the fit scales
 * source pixels by `scale` from the box's corner, and centring shifts the result by whole pixels.
 */
function mnistDigit(
  plane: InkPlane,
  levels: Float32Array,
  imageWidth: number,
  box: InkBox,
): { pixels: Float32Array; placement: InputPlacement } {
  const fitted = fitInBox(plane, levels, imageWidth, box);
  const { pixels, shiftX, shiftY } = centreByMass(fitted);
  return { pixels, placement: { scale: fitted.scale, dx: shiftX - box.x * fitted.scale, dy: shiftY - box.y * fitted.scale } };
}

/** How much ink each pixel holds, 0–255: pixel i's is `values[offset + i * stride]`. */
interface InkPlane {
  values: Uint8Array;
  offset: number;
  stride: number;
}

/**
 * Where the ink is. Which pixels are ink depends on the background, read from the image's border
 * (a digit seldom touches all four edges):
 * - transparent border (the browser canvas' default): ink is what was painted, and alpha is its
 *   coverage whatever the pen colour. For the usual black pen this is the same as compositing over
 *   white and measuring darkness, but it also keeps a white pen on a transparent canvas. The
 *   alpha bytes are read where they lie in the decoded buffer: no copy on the hot path.
 * - opaque border: composite over white, take the luma, and measure the distance from the
 *   background's grey: darker than a light background, or lighter than a dark one (a white pen
 *   on a black canvas, or an MNIST image itself).
 */
function inkPlane({ data, width, height, channels, hasAlpha }: RawImage): InkPlane {
  const border = borderIndices(width, height);
  if (hasAlpha) {
    let transparent = 0;
    for (const i of border) if (data[i * channels + channels - 1] < 128) transparent++;
    if (transparent > border.length / 2) return { values: data, offset: channels - 1, stride: channels };
  }

  const pixelCount = width * height;
  const ink = new Uint8Array(pixelCount);
  const background = median(Array.from(border, (i) => greyOverWhite(data, i * channels, channels, hasAlpha)));
  const sign = background >= 128 ? -1 : 1; // dark ink on a light background, or light on dark
  for (let i = 0, o = 0; i < pixelCount; i++, o += channels) {
    const difference = sign * (greyOverWhite(data, o, channels, hasAlpha) - background);
    if (difference > 0) ink[i] = difference;
  }
  return { values: ink, offset: 0, stride: 1 };
}

/** Luma with Rec. 601 weights (×256: 77 + 150 + 29) of the pixel at byte `offset`, composited over white. */
function greyOverWhite(data: Uint8Array, offset: number, channels: number, hasAlpha: boolean): number {
  const luma = channels >= 3 ? (77 * data[offset] + 150 * data[offset + 1] + 29 * data[offset + 2]) >> 8 : data[offset];
  const alpha = hasAlpha ? data[offset + channels - 1] : 255;
  return alpha === 255 ? luma : ((luma * alpha + 255 * (255 - alpha) + 127) / 255) | 0;
}

/** Every frame of a stream has the same size: the last list is kept rather than rebuilt per frame. */
let lastBorder: { width: number; height: number; indices: Uint32Array } | undefined;

function borderIndices(width: number, height: number): Uint32Array {
  if (lastBorder?.width === width && lastBorder.height === height) return lastBorder.indices;
  const indices: number[] = [];
  for (let x = 0; x < width; x++) indices.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) indices.push(y * width, y * width + width - 1);
  lastBorder = { width, height, indices: Uint32Array.from(indices) };
  return lastBorder.indices;
}

/** How many pixels hold each ink value, and the strongest ink overall, per row and per column. */
interface InkProfile {
  strongest: number;
  histogram: Uint32Array;
  rowStrongest: Uint8Array;
  columnStrongest: Uint8Array;
}

/**
 * Everything the ink box and the noise threshold need, from one pass over the plane. Which values
 * count as ink is only known once the strongest is (see inkLevels), and the per-row and
 * per-column maxima answer "is there ink here" for any threshold without a second pass.
 * This loop touches every pixel and is most of the JS time; on a canvas most pixels are 0.
 */
function inkProfile({ values, offset, stride }: InkPlane, width: number, height: number): InkProfile {
  const histogram = new Uint32Array(256);
  const rowStrongest = new Uint8Array(height);
  const columnStrongest = new Uint8Array(width);
  let strongest = 0;
  for (let y = 0, o = offset; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++, o += stride) {
      const value = values[o];
      if (value === 0) continue;
      histogram[value]++;
      if (value > row) row = value;
      if (value > columnStrongest[x]) columnStrongest[x] = value;
    }
    rowStrongest[y] = row;
    if (row > strongest) strongest = row;
  }
  return { strongest, histogram, rowStrongest, columnStrongest };
}

/**
 * Ink byte → MNIST level in [0, 1]: normalised so the strongest ink is 1 (MNIST's stroke cores
 * are 255 whatever the pen's darkness), with ink fainter than NOISE_THRESHOLD of it set to 0.
 */
function inkLevels(strongest: number): Float32Array {
  const levels = new Float32Array(256);
  for (let value = 0; value <= 255; value++) {
    const level = Math.min(1, value / strongest);
    levels[value] = level < NOISE_THRESHOLD ? 0 : level;
  }
  return levels;
}

/** The faintest ink value that has a level: what counts as ink. */
function faintestInk(levels: Float32Array): number {
  let faintest = 1;
  while (levels[faintest] === 0) faintest++;
  return faintest;
}

/**
 * The bounding box of the ink (pixels whose level is above 0), or null when it is only a few
 * specks: a stray click is not a digit. Levels grow with the ink value, so "ink" is "value ≥
 * the faintest value with a level".
 */
function findInkBox({ histogram, rowStrongest, columnStrongest }: InkProfile, levels: Float32Array, faintest: number): InkBox | null {
  let solidPixels = 0;
  for (let value = faintest; value <= 255; value++) if (levels[value] >= 0.5) solidPixels += histogram[value];
  if (solidPixels < MIN_INK_PIXELS) return null;
  const span = (strongest: Uint8Array) => {
    let first = 0,
      last = strongest.length - 1;
    while (strongest[first] < faintest) first++;
    while (strongest[last] < faintest) last--;
    return { first, length: last - first + 1 };
  };
  const columns = span(columnStrongest);
  const rows = span(rowStrongest);
  return { x: columns.first, y: rows.first, width: columns.length, height: rows.length };
}

/** The ink resampled so its longest side is exactly MNIST_BOX pixels, keeping the aspect ratio. */
interface FittedInk {
  values: Float32Array;
  width: number;
  height: number;
  /** Output pixels per source pixel. */
  scale: number;
}

/**
 * Scales the ink box to fit MNIST's 20×20 box. Separable: each axis gets its own list of
 * weights, applied to rows, then to columns. The box starts on a pixel boundary so the
 * longest side covers exactly 20 pixels, as in MNIST.
 */
function fitInBox({ values: ink, offset, stride }: InkPlane, levels: Float32Array, imageWidth: number, box: InkBox): FittedInk {
  const scale = MNIST_BOX / Math.max(box.width, box.height);
  const width = Math.max(1, Math.ceil(box.width * scale - 1e-6));
  const height = Math.max(1, Math.ceil(box.height * scale - 1e-6));
  const columnWeights = axisWeights(box.width, width, scale);
  const rowWeights = axisWeights(box.height, height, scale);

  // Horizontal pass: every source row of the box → `width` values.
  const rows = new Float32Array(box.height * width);
  for (let y = 0; y < box.height; y++) {
    const source = offset + ((box.y + y) * imageWidth + box.x) * stride;
    for (let x = 0; x < width; x++) {
      const { first, weights } = columnWeights[x];
      let sum = 0;
      for (let k = 0, i = source + first * stride; k < weights.length; k++, i += stride) sum += levels[ink[i]] * weights[k];
      rows[y * width + x] = sum;
    }
  }
  // Vertical pass.
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const { first, weights } = rowWeights[y];
    for (let k = 0; k < weights.length; k++) {
      const weight = weights[k];
      const row = (first + k) * width;
      for (let x = 0; x < width; x++) values[y * width + x] += rows[row + x] * weight;
    }
  }
  // A pen thinner than a pixel of the 20 px box averages out to a faint grey line. MNIST's
  // strokes always reach full white, so stretch the brightest pixel back to 1: a faint line
  // becomes a thin bright one, which the model has seen, instead of a dim one, which it has not.
  let brightest = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > brightest) brightest = values[i];
  if (brightest > 0 && brightest < 1) for (let i = 0; i < values.length; i++) values[i] /= brightest;
  return { values, width, height, scale };
}

/** For one output pixel: the first source pixel it reads and the weight of each source pixel from there. */
interface Taps {
  first: number;
  weights: Float32Array;
}

/**
 * Resampling weights along one axis, source pixel i spanning [i, i+1) and landing on
 * [i·scale, (i+1)·scale) in the output.
 * - Shrinking (the usual case: a 300 px drawing → 20 px): exact area coverage. Each output
 *   pixel is the average of the source it covers, partial pixels weighted by the overlap. This
 *   is the anti-aliasing that gives MNIST its soft grey edges; nearest-neighbour would drop
 *   thin strokes and alias the rest.
 * - Enlarging (a digit under 20 px): linear interpolation between source pixel centres, which
 *   keeps edges smooth where area coverage would just repeat each pixel as a block.
 */
function axisWeights(sourceLength: number, outputLength: number, scale: number): Taps[] {
  const taps: Taps[] = [];
  for (let out = 0; out < outputLength; out++) {
    if (scale <= 1) {
      const start = out / scale;
      const end = Math.min((out + 1) / scale, sourceLength);
      const first = Math.floor(start);
      const last = Math.min(Math.ceil(end) - 1, sourceLength - 1);
      const weights = new Float32Array(last - first + 1);
      for (let i = first; i <= last; i++) weights[i - first] = (Math.min(end, i + 1) - Math.max(start, i)) * scale;
      taps.push({ first, weights });
    } else {
      const centre = Math.min(Math.max((out + 0.5) / scale - 0.5, 0), sourceLength - 1);
      const first = Math.min(Math.floor(centre), Math.max(sourceLength - 2, 0));
      const fraction = centre - first;
      taps.push({ first, weights: sourceLength > 1 ? Float32Array.of(1 - fraction, fraction) : Float32Array.of(1) });
    }
  }
  return taps;
}

/**
 * Places the fitted ink in the 28×28 field with its centre of mass on pixel (14, 14), as MNIST
 * did. The shift is a whole number of pixels, like MNIST's: a sub-pixel shift would smear the
 * box's edges over a 21st pixel and leave every digit a little blurrier than the ones the model
 * learnt from, for a gain (centring to ±0.5 px) that the model's translation augmentation makes
 * irrelevant. Ink pushed past the field's edge by a lopsided digit is lost, as in MNIST.
 */
function centreByMass({ values, width, height }: FittedInk): { pixels: Float32Array; shiftX: number; shiftY: number } {
  let mass = 0,
    massX = 0,
    massY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = values[y * width + x];
      mass += value;
      massX += value * x;
      massY += value * y;
    }
  }
  const shiftX = Math.round(MNIST_CENTRE - massX / mass);
  const shiftY = Math.round(MNIST_CENTRE - massY / mass);
  const pixels = new Float32Array(IMAGE_PIXELS);
  for (let y = 0; y < height; y++) {
    const outY = y + shiftY;
    if (outY < 0 || outY >= IMAGE_SIDE) continue;
    for (let x = 0; x < width; x++) {
      const outX = x + shiftX;
      if (outX < 0 || outX >= IMAGE_SIDE) continue;
      pixels[outY * IMAGE_SIDE + outX] = Math.min(1, values[y * width + x]);
    }
  }
  return { pixels, shiftX, shiftY };
}

/**
 * The image as bytes, from any of the shapes a client sends: binary (socket.io delivers a
 * Buffer; browsers may send an ArrayBuffer), a `data:image/png;base64,…` URL as the Flask-era
 * `POST /predict` clients do, or bare base64. The payload's type was checked where it arrived
 * (the server's DTOs); only the text's encoding is judged here, and the bytes by `preprocessImage`.
 */
export function imageBytesFrom(payload: ImagePayload, maxBytes = Infinity): Buffer {
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return bytesFromText(payload, maxBytes);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
/** The image types a data URL may declare; `image/jpg` is a common misspelling of `image/jpeg`. */
const DATA_URL_TYPES = /^data:image\/(png|jpeg|jpg|webp);base64$/i;

function bytesFromText(text: string, maxBytes: number): Buffer {
  let base64 = text.trim();
  if (base64.startsWith('data:')) {
    const comma = base64.indexOf(',');
    const header = comma < 0 ? '' : base64.slice(0, comma);
    if (!/;base64$/i.test(header)) {
      throw new PreprocessError('INVALID_IMAGE', 'The data URL must be base64-encoded (data:image/png;base64,…).');
    }
    if (!DATA_URL_TYPES.test(header.replace(/\s+/g, ''))) {
      throw new PreprocessError(
        'INVALID_IMAGE',
        `The data URL declares ${JSON.stringify(header.slice(5, -7) || 'no type')}; it must be image/png, image/jpeg or image/webp.`,
      );
    }
    base64 = base64.slice(comma + 1);
  }
  base64 = base64.replace(/\s+/g, '');
  // Judged before decoding: base64 holds 3 bytes in every 4 characters.
  const declaredBytes = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  if (declaredBytes > maxBytes) throw tooManyBytes(declaredBytes, maxBytes);
  // Node's decoder silently skips characters outside the alphabet; refuse them instead of decoding half an image.
  if (!BASE64.test(base64) || base64.length % 4 === 1) {
    throw new PreprocessError('INVALID_IMAGE', 'The image string is neither a data URL nor valid base64.');
  }
  return Buffer.from(base64, 'base64');
}

/** The 28×28 as an 8-bit greyscale PNG, to show a person what the model saw. */
export async function encodePreviewPng(pixels: Float32Array): Promise<Buffer> {
  if (pixels.length !== IMAGE_PIXELS) {
    throw new RangeError(`A preview needs ${IMAGE_PIXELS} pixels, got ${pixels.length}.`);
  }
  const grey = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i++) grey[i] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
  return sharp(grey, { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1 } })
    .png()
    .toBuffer();
}
