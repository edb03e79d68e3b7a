/**
 * Numbers written the way a person writes them on the page: held-out MNIST digits, redrawn with
 * the drawn-digit generator's round pen, side by side on one canvas — "42" on the 400×400 canvas,
 * "2026" on the wide 800×400 one. The digits of a number share one pen and roughly one height
 * and baseline, each a little off (size and baseline jitter, a slight uphill or downhill drift),
 * and the gaps between them range from clearly apart to close but never touching: the gap the
 * server's segmentation must still see. Each digit keeps its own strokes, so a test can replay
 * them as pointer events and the evaluator knows which ink belongs to which label.
 */
import { MAX_DIGITS } from '@live-digits/shared';
import { IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { SeededRandom } from '../random';
import {
  CANVAS_SIZE,
  CanvasBackground,
  CanvasSize,
  DIGIT_HEIGHT,
  DrawnDigit,
  PEN_WIDTH,
  Point,
  renderStrokes,
  SQUARE_CANVAS,
  strokesFromMnist,
} from './drawn-digits';

export interface DrawnNumber {
  /** The digits left to right, strokes in this number's canvas pixels, all drawn with `penWidth`. */
  digits: DrawnDigit[];
  /** The digits' labels in order, e.g. "2026". */
  label: string;
  /** The canvas: 400×400, or 800×400 for the wide mode. */
  width: number;
  height: number;
  /** Pen diameter in canvas pixels, the same for every digit. */
  penWidth: number;
}

export interface DrawnNumberOptions {
  /** Digits per number, used in turn (default 2–6). */
  lengths?: readonly number[];
}

export const WIDE_CANVAS: CanvasSize = { width: 2 * CANVAS_SIZE, height: CANVAS_SIZE };
export const NUMBER_LENGTHS: readonly number[] = [2, 3, 4, 5, 6];
/** From this many digits on, numbers go on the wide canvas; two or three digits go on either. */
export const WIDE_FROM = 4;
/** A close gap between neighbouring digits' ink (pen included), in canvas pixels: near, never touching. */
export const CLOSE_GAP = { min: 3, max: 12 };
/** Share of gaps that are close; the others are a usual gap, a share of the digits' height. */
const CLOSE_GAP_SHARE = 0.3;
const USUAL_GAP = { min: 0.08, max: 0.5 };
/** Each digit's height is the number's ± this share. */
const SIZE_JITTER = 0.12;
/** Each digit's bottom sits this share of the height above or below the (possibly sloping) baseline. */
const BASELINE_JITTER = 0.06;
/** Baseline drift across the number, in pixels per pixel. */
const MAX_SLOPE = 0.06;
/** A pen at most this share of the digits' final height: nobody writes small digits with a marker. */
const MAX_PEN_SHARE = 0.22;
/** Canvas pixels kept between the ink and the canvas' edge. */
const MARGIN = 8;

/** Where a digit's pen path lies, before it is placed: its box in the generator's own pixels. */
export interface PathBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * `count` numbers from an MNIST set: lengths in turn from `options.lengths`, digits 0–9 at random,
 * each digit from a different source image of its label as long as the set has them. The same
 * seed gives the same numbers, and the first k numbers are the same whatever `count` is.
 */
export function generateDrawnNumbers(
  set: { images: { pixels: Uint8Array; count: number }; labels: Uint8Array },
  count: number,
  seed: number,
  options: DrawnNumberOptions = {},
): DrawnNumber[] {
  const lengths = options.lengths ?? NUMBER_LENGTHS;
  if (lengths.length === 0 || lengths.some((length) => !Number.isInteger(length) || length < 1 || length > MAX_DIGITS)) {
    throw new RangeError(`Number lengths must be whole numbers from 1 to ${MAX_DIGITS}, got [${lengths.join(', ')}].`);
  }
  const random = new SeededRandom(seed);
  const sourcesByLabel: number[][] = Array.from({ length: 10 }, () => []);
  set.labels.forEach((label, index) => index < set.images.count && sourcesByLabel[label].push(index));
  sourcesByLabel.forEach((sources) => random.shuffle(sources));
  const used = new Array<number>(10).fill(0);
  const nextDigit = (): DrawnDigit => {
    const label = random.int(0, 9);
    const sources = sourcesByLabel[label];
    if (sources.length === 0) throw new RangeError(`The MNIST set has no digit ${label} to draw.`);
    const source = sources[used[label]++ % sources.length];
    const pixels = set.images.pixels.subarray(source * IMAGE_SIDE * IMAGE_SIDE, (source + 1) * IMAGE_SIDE * IMAGE_SIDE);
    return strokesFromMnist(pixels, label, source, random);
  };

  return Array.from({ length: count }, (_, i) => {
    const length = lengths[i % lengths.length];
    const canvas = length >= WIDE_FROM || (length > 1 && random.next() < 0.5) ? WIDE_CANVAS : SQUARE_CANVAS;
    return layOutNumber(Array.from({ length }, nextDigit), canvas, random);
  });
}

/** A row of digits at one height with fixed gaps, for tests and benchmarks that need a number laid out exactly. */
export interface RowLayout extends CanvasSize {
  /** Height of each digit's pen path, in canvas pixels. */
  digitHeight: number;
  /** Blank space between one digit's pen path and the next, in canvas pixels. */
  gap: number;
}

/**
 * The digits' strokes, each scaled to `digitHeight` and placed left to right, the row centred on
 * the canvas; a row too long for it is written smaller, as a person would, keeping a margin.
 * No jitter: the same digits give the same row.
 */
export function digitsInRow(digits: readonly DrawnDigit[], layout: RowLayout): DrawnDigit[] {
  const fitted = digits.map((digit) => {
    const box = pathBox(digit);
    const scale = layout.digitHeight / box.height;
    return { digit, box, scale, width: box.width * scale };
  });
  const total = fitted.reduce((sum, f) => sum + f.width, 0) + layout.gap * (digits.length - 1);
  const shrink = Math.min(1, (layout.width - 2 * ROW_MARGIN) / total);
  let x = (layout.width - total * shrink) / 2;
  const y = (layout.height - layout.digitHeight * shrink) / 2;
  return fitted.map(({ digit, box, scale, width }) => {
    const place = (p: Point): Point => ({ x: x + (p.x - box.left) * scale * shrink, y: y + (p.y - box.top) * scale * shrink });
    const placed = { ...digit, strokes: digit.strokes.map((stroke) => stroke.map(place)) };
    x += (width + layout.gap) * shrink;
    return placed;
  });
}

/** Kept between a laid-out row's pen paths and the canvas' edge. */
const ROW_MARGIN = 30;

/** The number as the page's canvas would show it: a PNG of its width × height, black round pen. */
export function renderDrawnNumber(number: DrawnNumber, background: CanvasBackground = 'transparent'): Promise<Buffer> {
  return renderStrokes(
    number.digits.flatMap((digit) => digit.strokes),
    number.penWidth,
    number,
    background,
  );
}

/**
 * Places traced digits side by side on the canvas. Sizes are chosen as the writer would (one
 * height for the number, one pen), then the whole line is shrunk to fit the canvas if it must:
 * the pen does not shrink (a canvas pen has one width), the usual gaps shrink with the digits,
 * and close gaps stay as close as they were.
 */
function layOutNumber(traced: DrawnDigit[], canvas: CanvasSize, random: SeededRandom): DrawnNumber {
  const boxes = traced.map(pathBox);
  const heightRange = { min: DIGIT_HEIGHT.min, max: Math.min(DIGIT_HEIGHT.max, (canvas.height - 2 * MARGIN) / (1 + SIZE_JITTER)) };
  const numberHeight = random.uniform(heightRange.min, heightRange.max);
  const heights = traced.map(() => numberHeight * random.uniform(1 - SIZE_JITTER, 1 + SIZE_JITTER));
  const gaps = traced
    .slice(1)
    .map(() =>
      random.next() < CLOSE_GAP_SHARE
        ? { close: true, pixels: random.uniform(CLOSE_GAP.min, CLOSE_GAP.max) }
        : { close: false, pixels: numberHeight * random.uniform(USUAL_GAP.min, USUAL_GAP.max) },
    );
  const bottomOffsets = traced.map(() => numberHeight * random.uniform(-BASELINE_JITTER, BASELINE_JITTER));
  const slope = random.uniform(-MAX_SLOPE, MAX_SLOPE);
  let penWidth = random.int(PEN_WIDTH.min, PEN_WIDTH.max);

  /** Path pixels → canvas pixels for each digit (before any shrinking), and the shrink that fits the line. */
  const fit = (pen: number) => {
    const scales = boxes.map((box, i) => (heights[i] - pen) / box.height);
    const closeTotal = gaps.reduce((sum, gap) => sum + (gap.close ? gap.pixels : 0), 0);
    const shrinkable =
      boxes.reduce((sum, box, i) => sum + box.width * scales[i], 0) + gaps.reduce((sum, gap) => sum + (gap.close ? 0 : gap.pixels), 0);
    const room = canvas.width - 2 * MARGIN - traced.length * pen - closeTotal;
    return { scales, shrink: Math.min(1, room / shrinkable) };
  };
  let { scales, shrink } = fit(penWidth);
  const finalHeight = shrink * (numberHeight - penWidth) + penWidth;
  if (penWidth > MAX_PEN_SHARE * finalHeight) {
    // A thinner pen leaves more room, so the line only grows back towards the height chosen.
    penWidth = Math.max(PEN_WIDTH.min, Math.round(MAX_PEN_SHARE * finalHeight));
    ({ scales, shrink } = fit(penWidth));
  }

  // Left to right: each digit's ink box (pen included), relative to the line's start and baseline.
  const placed: Array<{ left: number; top: number; scale: number }> = [];
  let x = 0;
  boxes.forEach((box, i) => {
    const scale = scales[i] * shrink;
    const inkWidth = box.width * scale + penWidth;
    const inkHeight = box.height * scale + penWidth;
    const bottom = slope * (x + inkWidth / 2) + bottomOffsets[i] * shrink;
    placed.push({ left: x, top: bottom - inkHeight, scale });
    x += inkWidth + (i < gaps.length ? (gaps[i].close ? gaps[i].pixels : gaps[i].pixels * shrink) : 0);
  });
  const lineWidth = x;
  const inkHeights = boxes.map((box, i) => box.height * placed[i].scale + penWidth);
  const top = Math.min(...placed.map((p) => p.top));
  const bottom = Math.max(...placed.map((p, i) => p.top + inkHeights[i]));

  const originX = random.uniform(MARGIN, Math.max(MARGIN, canvas.width - MARGIN - lineWidth));
  const originY = random.uniform(MARGIN - top, Math.max(MARGIN - top, canvas.height - MARGIN - bottom));
  const digits = traced.map((digit, i) => {
    const { left, scale } = placed[i];
    // A steep drift on a tall line could still reach an edge: that digit alone moves back in.
    const inkTop = Math.min(Math.max(originY + placed[i].top, MARGIN), canvas.height - MARGIN - inkHeights[i]);
    const box = boxes[i];
    const toCanvas = (p: Point): Point => ({
      x: round1(originX + left + penWidth / 2 + (p.x - box.left) * scale),
      y: round1(inkTop + penWidth / 2 + (p.y - box.top) * scale),
    });
    return { ...digit, penWidth, strokes: digit.strokes.map((stroke) => stroke.map(toCanvas)) };
  });
  return { digits, label: digits.map((d) => d.label).join(''), width: canvas.width, height: canvas.height, penWidth };
}

export function pathBox(digit: DrawnDigit): PathBox {
  const points = digit.strokes.flat();
  const xs = points.map((p) => p.x),
    ys = points.map((p) => p.y);
  const left = Math.min(...xs),
    top = Math.min(...ys);
  return { left, top, width: Math.max(...xs) - left, height: Math.max(Math.max(...ys) - top, 1) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
