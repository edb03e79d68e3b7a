/**
 * The writing-styles set: drawn MNIST digits edited, stroke by stroke, into the hands that MNIST
 * barely has but people draw on the page — a 1 with a long lead-in flag (and a foot), a crossed
 * 7, open and closed 4s, a 9 on a straight stem, a looped or long-tailed 2, a flat slanted 8 —
 * plus the variations any hand brings: slant, pen width and size on the canvas.
 *
 * Every edit starts from the digit's own traced strokes and measures what it needs from them (the
 * 1's top and foot, the 7's stem at mid-height, the 4's bar and stem, the 9's loop), so the result
 * keeps its writer's proportions and wobble; new strokes are slightly bowed lines, as a hand
 * draws them, never a typeface's shapes. Edits keep the label, keep all the ink on the canvas and
 * draw every random choice from the `SeededRandom` they are given, so a seed gives the same set.
 */
import { SeededRandom } from '../random';
import { CANVAS_SIZE, DrawnDigit, Point, strokesFromMnist } from './drawn-digits';

export const WRITING_STYLES = [
  'one-flag',
  'one-flag-foot',
  'two-loop',
  'two-tail',
  'four-open',
  'four-closed',
  'seven-crossbar',
  'eight-flat-slanted',
  'nine-straight',
  'slant-left',
  'slant-right',
  'upright',
  'thin-pen',
  'thick-pen',
  'small',
  'large',
] as const;

export type WritingStyle = (typeof WRITING_STYLES)[number];

export interface StyledDigit extends DrawnDigit {
  style: WritingStyle;
}

/** The digits each style concerns; the rest (slant, pen, size) suit any digit. */
const STYLE_LABELS: Partial<Record<WritingStyle, readonly number[]>> = {
  'one-flag': [1],
  'one-flag-foot': [1],
  'two-loop': [2],
  'two-tail': [2],
  'four-open': [4],
  'four-closed': [4],
  'seven-crossbar': [7],
  'eight-flat-slanted': [8],
  'nine-straight': [9],
};

/** Canvas pixels kept clear between the ink (pen included) and the canvas' edge. */
export const STYLE_MARGIN = 8;
export const THIN_PEN = { min: 6, max: 11 };
export const THICK_PEN = { min: 34, max: 46 };
/** Ink heights, pen included. */
export const SMALL_HEIGHT = { min: 70, max: 110 };
export const LARGE_HEIGHT = { min: 330, max: CANVAS_SIZE - 2 * STYLE_MARGIN };

const MNIST_PIXELS = 28 * 28;

/** The styles that apply to a digit, in `WRITING_STYLES` order. */
export function stylesFor(label: number): WritingStyle[] {
  return WRITING_STYLES.filter((style) => STYLE_LABELS[style]?.includes(label) ?? true);
}

/**
 * The digit redrawn in `style`: a new object, the input untouched. A style that does not concern
 * the digit (a crossbar on a 3) leaves it as it was, so no edit can change what a digit reads as.
 */
export function applyWritingStyle(digit: DrawnDigit, style: WritingStyle, random: SeededRandom): DrawnDigit {
  const strokes = digit.strokes.map((stroke) => stroke.map((p) => ({ ...p })));
  if (!stylesFor(digit.label).includes(style)) return { ...digit, strokes };
  const edited = EDITS[style]({ ...digit, strokes }, random);
  return { ...edited, strokes: fitOnCanvas(edited.strokes, edited.penWidth).map((stroke) => stroke.map(round1)) };
}

/**
 * `count` styled digits from a labelled MNIST-like source, styles spread evenly over the styles
 * each digit admits. Labels come in turn (only those that some of `styles` admit), each digit from
 * a different source image while they last; the same seed gives the same digits.
 */
export function generateStyledDigits(
  source: { images: { pixels: Uint8Array; count: number }; labels: Uint8Array },
  count: number,
  seed: number,
  styles: readonly WritingStyle[] = WRITING_STYLES,
): StyledDigit[] {
  const random = new SeededRandom(seed);
  const stylesByLabel = Array.from({ length: 10 }, (_, label) => stylesFor(label).filter((style) => styles.includes(style)));
  const labels = stylesByLabel.flatMap((admitted, label) => (admitted.length ? [label] : []));
  if (labels.length === 0) throw new RangeError('None of the given writing styles applies to any digit.');

  const sourcesByLabel: number[][] = Array.from({ length: 10 }, () => []);
  source.labels.forEach((label, index) => index < source.images.count && sourcesByLabel[label].push(index));
  labels.forEach((label) => random.shuffle(sourcesByLabel[label]));

  const digits: StyledDigit[] = [];
  for (let i = 0; i < count; i++) {
    const label = labels[i % labels.length];
    const turn = Math.floor(i / labels.length);
    const sources = sourcesByLabel[label];
    if (sources.length === 0) throw new RangeError(`The source has no digit ${label} to draw.`);
    const index = sources[turn % sources.length];
    const pixels = source.images.pixels.subarray(index * MNIST_PIXELS, (index + 1) * MNIST_PIXELS);
    const style = stylesByLabel[label][turn % stylesByLabel[label].length];
    const drawn = strokesFromMnist(pixels, label, index, random);
    digits.push({ ...applyWritingStyle(drawn, style, random), style });
  }
  return digits;
}

type Edit = (digit: DrawnDigit, random: SeededRandom) => DrawnDigit;

const EDITS: Record<WritingStyle, Edit> = {
  'one-flag': (digit, random) => ({ ...digit, strokes: withFlag(digit.strokes, random) }),
  'one-flag-foot': (digit, random) => ({ ...digit, strokes: withFoot(withFlag(digit.strokes, random), random) }),
  'two-loop': (digit, random) => twoWithLoop(digit, random),
  'two-tail': (digit, random) => ({ ...digit, strokes: twoWithTail(digit.strokes, random) }),
  'four-open': (digit, random) => ({ ...digit, strokes: rebuiltFour(digit.strokes, 'open', random) }),
  'four-closed': (digit, random) => ({ ...digit, strokes: rebuiltFour(digit.strokes, 'closed', random) }),
  'seven-crossbar': (digit, random) => ({ ...digit, strokes: withCrossbar(digit.strokes, random) }),
  'eight-flat-slanted': (digit, random) => ({ ...digit, strokes: flatSlanted(digit.strokes, random) }),
  'nine-straight': (digit, random) => ({ ...digit, strokes: nineOnStraightStem(digit.strokes, random) }),
  // Slants are set relative to the upright digit, so a hand that already leaned is not pushed past what anyone writes.
  'slant-left': (digit, random) => ({ ...digit, strokes: sheared(digit.strokes, -slantOf(digit.strokes) - random.uniform(0.2, 0.4)) }),
  'slant-right': (digit, random) => ({ ...digit, strokes: sheared(digit.strokes, -slantOf(digit.strokes) + random.uniform(0.25, 0.5)) }),
  upright: (digit) => ({ ...digit, strokes: sheared(digit.strokes, -slantOf(digit.strokes)) }),
  'thin-pen': (digit, random) => ({ ...digit, penWidth: random.int(THIN_PEN.min, THIN_PEN.max) }),
  'thick-pen': (digit, random) => {
    // A thick pen on a small digit fills its loops in; people who draw with one draw larger.
    const penWidth = random.int(THICK_PEN.min, THICK_PEN.max);
    const { height } = bounds(digit.strokes);
    const minHeight = Math.min(6.5 * penWidth, LARGE_HEIGHT.max - penWidth);
    return {
      ...digit,
      penWidth,
      strokes: height < minHeight ? resized(digit.strokes, minHeight / Math.max(height, 1), random) : digit.strokes,
    };
  },
  small: (digit, random) => {
    const inkHeight = random.uniform(SMALL_HEIGHT.min, SMALL_HEIGHT.max);
    // The page's pen does not shrink with the digit, but a pen wider than a fifth of the digit closes its loops.
    const penWidth = Math.min(digit.penWidth, Math.round(inkHeight / 5));
    const { height } = bounds(digit.strokes);
    return { ...digit, penWidth, strokes: resized(digit.strokes, (inkHeight - penWidth) / Math.max(height, 1), random) };
  },
  large: (digit, random) => {
    const inkHeight = random.uniform(LARGE_HEIGHT.min, LARGE_HEIGHT.max);
    const { height } = bounds(digit.strokes);
    return { ...digit, strokes: resized(digit.strokes, (inkHeight - digit.penWidth) / Math.max(height, 1), random) };
  },
};

// ——— Geometry ———

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}

function bounds(strokes: Point[][]): Box {
  const points = strokes.flat();
  const left = Math.min(...points.map((p) => p.x)),
    right = Math.max(...points.map((p) => p.x));
  const top = Math.min(...points.map((p) => p.y)),
    bottom = Math.max(...points.map((p) => p.y));
  return { left, right, top, bottom, width: right - left, height: bottom - top };
}

function mapPoints(strokes: Point[][], f: (p: Point) => Point): Point[][] {
  return strokes.map((stroke) => stroke.map(f));
}

function round1(p: Point): Point {
  return { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const lerp = (a: Point, b: Point, t: number): Point => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
const distance = (a: Point, b: Point) => Math.hypot(b.x - a.x, b.y - a.y);

/**
 * Shrinks the digit if its ink (pen included) is wider or taller than the canvas allows, then
 * moves it the least distance that brings all the ink STYLE_MARGIN inside the canvas' edges.
 */
function fitOnCanvas(strokes: Point[][], penWidth: number): Point[][] {
  const room = CANVAS_SIZE - 2 * STYLE_MARGIN - penWidth;
  const box = bounds(strokes);
  const scale = Math.min(1, room / Math.max(box.width, 1e-6), room / Math.max(box.height, 1e-6));
  const cx = (box.left + box.right) / 2,
    cy = (box.top + box.bottom) / 2;
  const scaled = scale < 1 ? mapPoints(strokes, (p) => ({ x: cx + (p.x - cx) * scale, y: cy + (p.y - cy) * scale })) : strokes;
  const fitted = bounds(scaled);
  const low = STYLE_MARGIN + penWidth / 2,
    high = CANVAS_SIZE - STYLE_MARGIN - penWidth / 2;
  const dx = fitted.left < low ? low - fitted.left : fitted.right > high ? high - fitted.right : 0;
  const dy = fitted.top < low ? low - fitted.top : fitted.bottom > high ? high - fitted.bottom : 0;
  return mapPoints(scaled, (p) => ({ x: p.x + dx, y: p.y + dy }));
}

/** Scaled by `scale` and placed anywhere on the canvas where it fits: people draw off-centre. */
function resized(strokes: Point[][], scale: number, random: SeededRandom): Point[][] {
  const box = bounds(strokes);
  const [width, height] = [box.width * scale, box.height * scale];
  const x = random.uniform(0, Math.max(0, CANVAS_SIZE - width)),
    y = random.uniform(0, Math.max(0, CANVAS_SIZE - height));
  return mapPoints(strokes, (p) => ({ x: x + (p.x - box.left) * scale, y: y + (p.y - box.top) * scale }));
}

/**
 * The writer's slant as the classic moment estimate (LeCun's deskewing): how far x moves right
 * per pixel up, from the ink's covariance, each segment weighted by its length.
 */
export function slantOf(strokes: Point[][]): number {
  let weight = 0,
    mx = 0,
    my = 0;
  const samples: { p: Point; w: number }[] = [];
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i++) {
      const w = distance(stroke[i - 1], stroke[i]);
      samples.push({ p: lerp(stroke[i - 1], stroke[i], 0.5), w });
    }
  }
  for (const { p, w } of samples) {
    weight += w;
    mx += p.x * w;
    my += p.y * w;
  }
  if (weight === 0) return 0;
  [mx, my] = [mx / weight, my / weight];
  let cov = 0,
    varY = 0;
  for (const { p, w } of samples) {
    cov += (p.x - mx) * (p.y - my) * w;
    varY += (p.y - my) ** 2 * w;
  }
  // y grows downwards: a digit leaning right has x falling as y grows.
  return varY > 0 ? clamp(-cov / varY, -0.8, 0.8) : 0;
}

/** Shears the digit about its centre so its tops move `amount` px right per px of height. */
function sheared(strokes: Point[][], amount: number): Point[][] {
  const box = bounds(strokes);
  const cy = (box.top + box.bottom) / 2;
  return mapPoints(strokes, (p) => ({ x: p.x + amount * (cy - p.y), y: p.y }));
}

/** Where the strokes cross the horizontal line at `y`, left to right. */
function crossings(strokes: Point[][], y: number): number[] {
  const xs: number[] = [];
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i++) {
      const [a, b] = [stroke[i - 1], stroke[i]];
      if ((a.y - y) * (b.y - y) < 0 || (b.y === y && a.y !== y)) xs.push(a.x + ((b.x - a.x) * (y - a.y)) / (b.y - a.y));
    }
  }
  return xs.sort((a, b) => a - b);
}

/**
 * A line as a hand draws it from `from` to `to`: slightly bowed to one side, with a small wobble,
 * in steps of about 8 px so the renderer's round joins smooth it.
 */
function handLine(from: Point, to: Point, random: SeededRandom, bow = 0.04): Point[] {
  const length = distance(from, to);
  const steps = Math.max(2, Math.ceil(length / 8));
  const bend = random.uniform(-bow, bow) * length;
  const [nx, ny] = length ? [-(to.y - from.y) / length, (to.x - from.x) / length] : [0, 0];
  const wobblePhase = random.uniform(0, 2 * Math.PI);
  const wobble = random.uniform(0, 0.006) * length;
  return Array.from({ length: steps + 1 }, (_, k) => {
    const t = k / steps;
    const offset = bend * 4 * t * (1 - t) + wobble * Math.sin(wobblePhase + 3 * Math.PI * t) * Math.sin(Math.PI * t);
    return { x: from.x + (to.x - from.x) * t + nx * offset, y: from.y + (to.y - from.y) * t + ny * offset };
  });
}

/**
 * Joins hand-drawn legs into one pen stroke through the given corners; a hand does not turn on
 * the spot, so each corner is cut round by up to a tenth of its shorter leg.
 */
function handPath(corners: Point[], random: SeededRandom, bow = 0.04): Point[] {
  const rounded: Point[] = [corners[0]];
  for (let i = 1; i < corners.length - 1; i++) {
    const [before, at, after] = [corners[i - 1], corners[i], corners[i + 1]];
    const cut = (random.uniform(0, 0.1) * Math.min(distance(before, at), distance(at, after))) / Math.max(distance(before, at), 1e-6);
    const cutAfter = (cut * distance(before, at)) / Math.max(distance(at, after), 1e-6);
    rounded.push(lerp(at, before, cut), lerp(at, after, cutAfter));
  }
  rounded.push(corners[corners.length - 1]);
  const path: Point[] = [rounded[0]];
  for (let i = 1; i < rounded.length; i++) path.push(...handLine(rounded[i - 1], rounded[i], random, bow).slice(1));
  return path;
}

/** The stroke and index of the point that scores lowest. */
function findPoint(strokes: Point[][], score: (p: Point) => number): { stroke: number; index: number; point: Point } {
  let best = { stroke: 0, index: 0, point: strokes[0][0] };
  let bestScore = Infinity;
  strokes.forEach((stroke, s) =>
    stroke.forEach((point, index) => {
      const value = score(point);
      if (value < bestScore) [best, bestScore] = [{ stroke: s, index, point }, value];
    }),
  );
  return best;
}

/** The strokes with everything below `y` cut away, split where they leave and re-enter. */
function clippedBelow(strokes: Point[][], y: number): Point[][] {
  const pieces: Point[][] = [];
  for (const stroke of strokes) {
    let piece: Point[] = [];
    for (let i = 0; i < stroke.length; i++) {
      const p = stroke[i];
      const prev = stroke[i - 1];
      if (prev && (prev.y - y) * (p.y - y) < 0) piece.push(lerp(prev, p, (y - prev.y) / (p.y - prev.y)));
      if (p.y <= y) piece.push(p);
      else if (piece.length) {
        pieces.push(piece);
        piece = [];
      }
    }
    if (piece.length) pieces.push(piece);
  }
  return pieces.filter((piece) => piece.length >= 2 && distance(piece[0], piece[piece.length - 1]) + piece.length > 3);
}

// ——— Digit-specific edits ———

/**
 * The continental 1: a lead-in stroke drawn first from below-left up to the top of the stem,
 * 35–50% of the stem's length. Where a stroke starts or ends at the top, the
 * flag joins it, as the pen would go on without lifting.
 */
function withFlag(strokes: Point[][], random: SeededRandom): Point[][] {
  const top = findPoint(strokes, (p) => p.y);
  const bottom = findPoint(strokes, (p) => -p.y).point;
  const length = Math.max(distance(top.point, bottom), 1);
  const [dx, dy] = [(bottom.x - top.point.x) / length, (bottom.y - top.point.y) / length];
  // 30–50° off the stem towards the left, and never flatter than 40° below the horizontal: a
  // flatter lead-in reads as a 7's bar, to people as well as to the model.
  const degrees = Math.min((Math.atan2(dy, dx) * 180) / Math.PI + random.uniform(30, 50), 140);
  const [fx, fy] = [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  const reach = random.uniform(0.35, 0.5) * length;
  const start = { x: top.point.x + fx * reach, y: top.point.y + fy * reach };
  const flag = handLine(start, top.point, random, 0.06);

  const stroke = strokes[top.stroke];
  const others = strokes.filter((_, s) => s !== top.stroke);
  if (top.index === 0) return [[...flag, ...stroke.slice(1)], ...others];
  if (top.index === stroke.length - 1) return [[...flag, ...stroke.slice(0, -1).reverse()], ...others];
  return [flag, ...strokes];
}

/** A base across the bottom of the 1, 40–65% of its height wide, drawn last, left to right. */
function withFoot(strokes: Point[][], random: SeededRandom): Point[][] {
  const bottom = findPoint(strokes, (p) => -p.y).point;
  const { height } = bounds(strokes);
  const width = random.uniform(0.4, 0.65) * height;
  const centre = bottom.x + random.uniform(-0.08, 0.08) * width;
  const tilt = random.uniform(-0.04, 0.04) * width;
  return [...strokes, handLine({ x: centre - width / 2, y: bottom.y + tilt }, { x: centre + width / 2, y: bottom.y - tilt }, random, 0.03)];
}

/** The continental 7: a short bar across the stem at about mid-height, drawn last, left to right. */
function withCrossbar(strokes: Point[][], random: SeededRandom): Point[][] {
  const box = bounds(strokes);
  const y = box.top + random.uniform(0.45, 0.6) * box.height;
  // The stem runs from the bar's right end to the foot; of the ink crossing this height, take
  // what lies nearest that line (a curled bar or a hook can cross it too).
  const corner = findPoint(strokes, (p) => (p.y - box.top) / Math.max(box.height, 1) - (p.x - box.left) / Math.max(box.width, 1)).point;
  const foot = findPoint(strokes, (p) => -p.y).point;
  const expected = corner.x + ((foot.x - corner.x) * (y - corner.y)) / Math.max(foot.y - corner.y, 1);
  const xs = crossings(strokes, y);
  const stem = xs.length ? xs.reduce((best, x) => (Math.abs(x - expected) < Math.abs(best - expected) ? x : best)) : expected;
  const width = Math.max(random.uniform(0.4, 0.6) * box.width, 0.25 * box.height);
  const centre = stem + random.uniform(-0.1, 0.1) * width;
  const tilt = random.uniform(-0.05, 0.02) * width;
  return [...strokes, handLine({ x: centre - width / 2, y: y - tilt }, { x: centre + width / 2, y: y + tilt }, random, 0.03)];
}

/**
 * A 4 redrawn from its own bar, stem and arm: `open`, the arm a separate downstroke whose top
 * stays well clear of the stem's; `closed`, the arm starting at the stem's top, so the two upper
 * strokes meet in a triangle. The stem keeps the writer's lean, the bar its height.
 */
function rebuiltFour(strokes: Point[][], top: 'open' | 'closed', random: SeededRandom): Point[][] {
  const box = bounds(strokes);
  const at = (fraction: number) => box.top + fraction * box.height;
  // The bar: the length-weighted height of the near-horizontal ink in the middle band.
  let barWeight = 0,
    barSum = 0;
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i++) {
      const [a, b] = [stroke[i - 1], stroke[i]];
      const middle = (a.y + b.y) / 2;
      if (Math.abs(b.y - a.y) < 0.5 * Math.abs(b.x - a.x) && middle > at(0.35) && middle < at(0.85)) {
        barWeight += distance(a, b);
        barSum += middle * distance(a, b);
      }
    }
  }
  const barY = clamp(barWeight ? barSum / barWeight : at(0.6), at(0.45), at(0.75));
  // The stem: the only ink below the bar, and the rightmost ink a little above it.
  const foot = findPoint(strokes, (p) => -p.y).point;
  const aboveBar = barY - 0.15 * box.height;
  const stemAbove = crossings(strokes, aboveBar).at(-1) ?? box.left + 0.7 * box.width;
  const lean = clamp((foot.x - stemAbove) / Math.max(foot.y - aboveBar, 1), -0.35, 0.3);
  const stemTop = { x: stemAbove - lean * (aboveBar - box.top), y: box.top + random.uniform(0, 0.06) * box.height };
  const stemX = (y: number) => stemTop.x + lean * (y - stemTop.y);
  const left = Math.min(box.left, stemX(barY) - 0.45 * box.height);
  const corner = { x: left + random.uniform(0, 0.05) * box.width, y: barY + random.uniform(-0.03, 0.03) * box.height };
  const barEnd = {
    x: Math.max(box.right, stemX(barY) + random.uniform(0.15, 0.3) * (stemX(barY) - left)),
    y: barY + random.uniform(-0.05, 0.02) * box.height,
  };
  const stemFoot = { x: stemX(box.bottom), y: box.bottom };

  if (top === 'closed') {
    // The pen lifts at the apex and comes down again for the stem, a little off where it left.
    const restart = { x: stemTop.x + random.uniform(-0.02, 0.02) * box.height, y: stemTop.y + random.uniform(-0.02, 0.03) * box.height };
    return [handPath([stemTop, corner, barEnd], random, 0.06), handLine(restart, stemFoot, random, 0.03)];
  }
  // Open: the arm comes down from a point left of the stem, leaning like the stem; a gap of at least a third of the bar's span.
  const armTopX = corner.x + random.uniform(0.05, 0.4) * (stemX(box.top) - corner.x);
  const armTop = { x: armTopX, y: box.top + random.uniform(0, 0.08) * box.height };
  const openStemTop = { x: stemX(stemTop.y + 0.08 * box.height), y: stemTop.y + random.uniform(0.04, 0.12) * box.height };
  return [handPath([armTop, corner, barEnd], random, 0.06), handLine(openStemTop, stemFoot, random, 0.03)];
}

/**
 * A 9 whose tail is one straight downstroke: the loop is kept as written, everything below it
 * cut away, and a stem drawn from the loop's right side straight down to the digit's bottom.
 */
function nineOnStraightStem(strokes: Point[][], random: SeededRandom): Point[][] {
  const box = bounds(strokes);
  // The loop is where a horizontal line meets the ink at least twice; the tail, once. Only the
  // upper 70% can hold the loop, so a tail that curls back at the bottom is not taken for it.
  const levels = Array.from({ length: 39 }, (_, k) => box.top + ((k + 1) / 40) * box.height).filter((y) => y <= box.top + 0.7 * box.height);
  const loopLevels = levels.filter((y) => crossings(strokes, y).length >= 2);
  if (loopLevels.length < 0.15 * 40) return strokes; // no loop to keep: an open 9 stays as written
  const loopTop = loopLevels[0];
  const loopBottom = Math.max(loopLevels[loopLevels.length - 1], box.top + 0.3 * box.height);

  const kept = clippedBelow(strokes, loopBottom + 0.02 * box.height);
  // The stem starts at the loop's right edge in its upper part: where the pen closes the loop and turns down.
  const upper = kept.flat().filter((p) => p.y >= loopTop && p.y <= loopTop + 0.6 * (loopBottom - loopTop));
  const join = upper.length ? upper.reduce((best, p) => (p.x > best.x ? p : best)) : { x: bounds(kept).right, y: loopTop };
  const [joinX, joinY] = [join.x, join.y];
  const foot = findPoint(strokes, (p) => -p.y).point;
  const lean = clamp((foot.x - joinX) / Math.max(foot.y - joinY, 1), -0.35, 0.08) + random.uniform(-0.05, 0.05);
  const stem = handLine({ x: joinX, y: joinY }, { x: joinX + lean * (box.bottom - joinY), y: box.bottom }, random, 0.02);
  return [...(kept.length ? kept : strokes), stem];
}

/**
 * The looped 2: shortly before the diagonal reaches the bottom left, the pen runs round a small
 * loop that closes on itself, then heads down to the base and along it.
 */
function twoWithLoop(digit: DrawnDigit, random: SeededRandom): DrawnDigit {
  const { strokes } = digit;
  const box = bounds(strokes);
  const corner = findPoint(strokes, (p) => (p.x - box.left) / Math.max(box.width, 1) + (box.bottom - p.y) / Math.max(box.height, 1));
  // The tracer may have split the 2 at the corner: join the diagonal and the base again.
  const ends = (s: Point[]) => [s[0], s[s.length - 1]];
  const partner = strokes.findIndex((s, i) => i !== corner.stroke && ends(s).some((end) => distance(end, corner.point) < 0.1 * box.height));
  const meanY = (points: Point[]) => points.reduce((sum, p) => sum + p.y, 0) / Math.max(points.length, 1);
  const endingAt = (s: Point[], p: Point) => (distance(s[0], p) < distance(s[s.length - 1], p) ? [...s].reverse() : s);
  let stroke = strokes[corner.stroke];
  let index = corner.index;
  const atEnd = index === 0 || index === stroke.length - 1;
  if (atEnd && partner >= 0) {
    const [first, second] = [endingAt(stroke, corner.point), endingAt(strokes[partner], corner.point).reverse()];
    const [diagonal, along] = meanY(first) < meanY(second) ? [first, second] : [[...second].reverse(), [...first].reverse()];
    stroke = [...diagonal, ...along];
    index = diagonal.length - 1;
  } else if (index < stroke.length - 1 && (index === 0 || meanY(stroke.slice(0, index)) > meanY(stroke.slice(index + 1)))) {
    // Orient the stroke so the pen arrives at the corner from above, down the diagonal.
    stroke = [...stroke].reverse();
    index = stroke.length - 1 - index;
  }
  if (index === 0) return digit; // no diagonal reaches the corner: nothing to loop
  if (hasLoopBelow(strokes, digit.penWidth, box.top + 0.45 * box.height)) return digit; // its writer looped it already
  const size = random.uniform(0.14, 0.2) * box.height;
  // The loop closes where the diagonal is a loop's size above the corner, and the pen comes out
  // heading for a point a loop's size along the base.
  const diagonal = pointsUpTo(stroke.slice(0, index + 1), size);
  const base = index < stroke.length - 1 ? pointsFrom(stroke.slice(index), size) : [{ x: corner.point.x + size, y: corner.point.y }];
  const neck = diagonal[diagonal.length - 1];
  const into = unit(directionInto(diagonal, 0.1 * box.height));
  const out = unit(Math.atan2(base[0].y - neck.y, base[0].x - neck.x));
  // A round loop through the neck, on the side away from both the diagonal and the base, entered
  // the way the pen was heading: the crossing at the neck makes the "α" of a looped 2.
  const away = unit(Math.atan2(into.y - out.y, into.x - out.x));
  // Someone who loops their 2s keeps the loop open: the loop grows with the pen, and past a point the pen gets finer.
  const radius = Math.min(Math.max(random.uniform(0.45, 0.6) * size, 0.9 * digit.penWidth), 0.16 * box.height);
  const penWidth = Math.min(digit.penWidth, Math.max(6, Math.round(radius / 0.9)));
  // Across the loop's axis at the neck; the pen goes round the way that continues its heading.
  const across = { x: away.y, y: -away.x };
  const turn = Math.sign(across.x * into.x + across.y * into.y) || 1;
  const roundness = random.uniform(0.75, 1); // an ellipse, a little narrower across than along
  const loop = Array.from({ length: 16 }, (_, k) => {
    const angle = (2 * Math.PI * (k + 1)) / 17;
    const [along, side] = [radius * (1 - Math.cos(angle)), turn * roundness * radius * Math.sin(angle)];
    return { x: neck.x + along * away.x + side * across.x, y: neck.y + along * away.y + side * across.y };
  });
  const edited = [...diagonal, ...loop, neck, ...base];
  return { ...digit, penWidth, strokes: [...strokes.filter((_, i) => i !== corner.stroke && !(atEnd && i === partner)), edited] };
}

/**
 * Whether the ink below `y` encloses a hole, as a written loop does: the digit is drawn with its
 * pen on a coarse grid and the paper flooded from the edges; paper the flood cannot reach is
 * inside a loop. (The traced strokes cannot say it: the tracer cuts loops at their junctions,
 * and a 2's corner can be cut the same way.)
 */
function hasLoopBelow(strokes: Point[][], penWidth: number, y: number): boolean {
  const box = bounds(strokes);
  const cells = 64;
  const scale = (cells - 4) / Math.max(box.width + penWidth, box.height + penWidth, 1);
  const [x0, y0] = [box.left - penWidth / 2 - 2 / scale, box.top - penWidth / 2 - 2 / scale];
  const ink = new Uint8Array(cells * cells);
  const radius = (penWidth / 2) * scale;
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i++) {
      const [a, b] = [stroke[i - 1], stroke[i]];
      const steps = Math.max(1, Math.ceil(distance(a, b) * scale * 2));
      for (let k = 0; k <= steps; k++) {
        const p = lerp(a, b, k / steps);
        const [cx, cy] = [(p.x - x0) * scale, (p.y - y0) * scale];
        for (let gy = Math.floor(cy - radius); gy <= Math.ceil(cy + radius); gy++) {
          for (let gx = Math.floor(cx - radius); gx <= Math.ceil(cx + radius); gx++) {
            if (gx >= 0 && gy >= 0 && gx < cells && gy < cells && Math.hypot(gx + 0.5 - cx, gy + 0.5 - cy) <= radius)
              ink[gy * cells + gx] = 1;
          }
        }
      }
    }
  }
  const reached = new Uint8Array(cells * cells);
  const queue = [0];
  reached[0] = 1;
  while (queue.length) {
    const cell = queue.pop()!;
    const [gx, gy] = [cell % cells, Math.floor(cell / cells)];
    for (const [nx, ny] of [
      [gx + 1, gy],
      [gx - 1, gy],
      [gx, gy + 1],
      [gx, gy - 1],
    ]) {
      const next = ny * cells + nx;
      if (nx >= 0 && ny >= 0 && nx < cells && ny < cells && !ink[next] && !reached[next]) {
        reached[next] = 1;
        queue.push(next);
      }
    }
  }
  const firstRow = Math.floor((y - y0) * scale);
  let holes = 0;
  for (let cell = Math.max(0, firstRow) * cells; cell < cells * cells; cell++) if (!ink[cell] && !reached[cell]) holes++;
  return holes >= 3;
}

const unit = (angle: number): Point => ({ x: Math.cos(angle), y: Math.sin(angle) });

/** The path cut `span` px (along it) short of its end, the cut point included. */
function pointsUpTo(points: Point[], span: number): Point[] {
  let left = span;
  for (let i = points.length - 1; i > 0; i--) {
    const length = distance(points[i - 1], points[i]);
    if (length >= left) return [...points.slice(0, i), lerp(points[i], points[i - 1], left / length)];
    left -= length;
  }
  return points.slice(0, 1);
}

/** The path from `span` px (along it) after its start, the cut point included. */
function pointsFrom(points: Point[], span: number): Point[] {
  const reversed = pointsUpTo([...points].reverse(), span);
  return reversed.reverse();
}

/** The heading (radians, y down) of the pen arriving at the end of `points`, over the last `span` px. */
function directionInto(points: Point[], span: number): number {
  const end = points[points.length - 1];
  let from = points[0];
  for (let i = points.length - 2; i >= 0; i--) {
    from = points[i];
    if (distance(from, end) >= span) break;
  }
  return Math.atan2(end.y - from.y, end.x - from.x);
}

/** A 2 whose base runs on well past the digit: 40–80% of its width more, nearly level. */
function twoWithTail(strokes: Point[][], random: SeededRandom): Point[][] {
  const box = bounds(strokes);
  const end = findPoint(strokes, (p) => -(p.x - box.left) / Math.max(box.width, 1) - (p.y - box.top) / Math.max(box.height, 1));
  const length = random.uniform(0.4, 0.8) * Math.max(box.width, 0.5 * box.height);
  const tail = (from: Point) => handLine(from, { x: from.x + length, y: from.y + random.uniform(-0.12, 0.04) * length }, random, 0.05);
  const stroke = strokes[end.stroke];
  if (end.index === stroke.length - 1) return strokes.map((s, i) => (i === end.stroke ? [...s, ...tail(end.point).slice(1)] : s));
  if (end.index === 0) return strokes.map((s, i) => (i === end.stroke ? [...[...s].reverse(), ...tail(end.point).slice(1)] : s));
  return [...strokes, tail(end.point)];
}

/** An 8 written fast and low: squashed to 55–75% of its height and leaning hard to the right. */
function flatSlanted(strokes: Point[][], random: SeededRandom): Point[][] {
  const box = bounds(strokes);
  const cy = (box.top + box.bottom) / 2;
  const squash = random.uniform(0.55, 0.75);
  const flat = mapPoints(strokes, (p) => ({ x: p.x, y: cy + (p.y - cy) * squash }));
  return sheared(flat, -slantOf(flat) + random.uniform(0.45, 0.75));
}
