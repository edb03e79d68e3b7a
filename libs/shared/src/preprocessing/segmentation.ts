/**
 * A canvas with several digits → the ink of each digit, left to right. Pure functions on an ink
 * mask (no decoding, no tfjs), so they are tested on hand-made masks; preprocess.ts runs them
 * between finding the ink and the MNIST-style fit that every digit then gets.
 *
 * 1. Ink pieces: 8-connected components of the ink pixels, found row by row as runs (a drawn
 *    stroke crosses a row in one or two runs, so this touches each ink pixel once and each
 *    blank pixel once, with a few dozen unions per row).
 * 2. Pieces of one digit are grouped: a piece stacked over another (a 7's crossbar drawn apart,
 *    a 4 in two strokes), or a piece too short to be a digit close to another (a 5's flag, a
 *    dotted or broken stroke). Distances are relative to the ink's height, so a number drawn small or large
 *    groups the same way. Digits side by side, even close ones, stay apart.
 * 3. Groups too small to be a digit (a speck, a dot, a stray tap) are dropped as noise.
 * 4. A short group close to a neighbour may be a piece of it or a digit of its own: the two are
 *    offered joined and apart, and the model decides.
 * 5. A group much wider than a digit is tall may be two or three touching digits: it is offered
 *    whole and cut where digits would touch, and the model decides (see chooseReadings).
 */

/** Pixel i of a width × height image is ink when `values[offset + i * stride] >= threshold`. */
export interface InkMask {
  values: Uint8Array;
  offset: number;
  stride: number;
  width: number;
  height: number;
  threshold: number;
}

/** A rectangle in image pixels, `right` and `bottom` exclusive. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A horizontal run of ink pixels on row `y`, from `start` to `end` (exclusive). */
export interface InkRun {
  y: number;
  start: number;
  end: number;
}

/** Ink that belongs together: its runs, their bounding box and how many pixels they hold. */
export interface InkGroup {
  runs: InkRun[];
  box: Rect;
  pixels: number;
  /**
   * When joining the group's pieces was a guess (a short piece beside a digit: a 5's flag, or a
   * digit of its own?), the two groups it was joined from, left to right: offered as a reading too.
   */
  apart?: [InkGroup, InkGroup];
}

/** Pieces stacked with at least this share of the narrower one's width in common belong to one digit. */
const STACKED_OVERLAP = 0.5;
/** …unless more than this share of the ink's height apart (two digits on different lines are not one). */
const STACKED_GAP = 0.5;
/**
 * A piece under this share of the ink's height is not a whole digit (digits in a number are about
 * as tall as each other) but a fragment: a 5's flag, a bit of a broken stroke, a dot of a dotted one…
 */
const FRAGMENT_HEIGHT = 0.4;
/** …and joins the nearest piece if it is closer than this share of the ink's height. */
const FRAGMENT_GAP = 0.2;
/**
 * A group under this share of the digits' typical height, within DOUBTFUL_GAP of a neighbour, may
 * be a piece of it (a 5's flag drawn a little apart, a 6 whose loop missed its stem, a broken 7)
 * or a digit of its own: it is joined, and the model is offered both readings. Joined, it must
 * still be no wider than DOUBTFUL_ASPECT of its height (a 5's long flag makes it a little wider
 * than TWO_DIGITS_ASPECT allows a digit).
 */
const DOUBTFUL_HEIGHT = 0.7;
const DOUBTFUL_GAP = 0.3;
const DOUBTFUL_ASPECT = 1.25;
/** A group whose longest side is under this share of the ink's height… */
const NOISE_EXTENT = 0.25;
/** …and with under this share of the largest group's ink is noise, not a digit. */
const NOISE_PIXELS = 0.15;
/** A digit is seldom wider than this share of its height; a wider group may be two touching digits… */
const TWO_DIGITS_ASPECT = 1.0;
/** …and a group wider than this share, three. */
const THREE_DIGITS_ASPECT = 1.5;
/** A cut between two touching digits lies within this share of the group's width around the middle (for three, half of it around each third). */
const CUT_WINDOW = 0.4;
/** Each part of a cut holds at least this share of an even split of the group's ink. */
const MIN_PART_SHARE = 0.25;
/**
 * Pieces beyond this many are not a handwritten number (a photo, a scatter of dots): grouping is
 * quadratic in pieces, so it is not attempted.
 */
export const MAX_PIECES = 512;

/**
 * The connected pieces of ink inside `region` (8-connectivity: a diagonal step joins), each with
 * its runs in row order. Returns null when there are more than `maxPieces`.
 */
export function findInkPieces(mask: InkMask, region: Rect, maxPieces = MAX_PIECES): InkGroup[] | null {
  const { values, offset, stride, width, threshold } = mask;
  const runs: InkRun[] = [];
  const parent: number[] = [];
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  let previousRow = { first: 0, end: 0 };
  const right = region.x + region.width;
  for (let y = region.y; y < region.y + region.height; y++) {
    const first = runs.length;
    let o = offset + (y * width + region.x) * stride;
    for (let x = region.x; ;) {
      while (x < right && values[o] < threshold) {
        x++;
        o += stride;
      }
      if (x === right) break;
      const start = x;
      while (x < right && values[o] >= threshold) {
        x++;
        o += stride;
      }
      const run = runs.length;
      runs.push({ y, start, end: x });
      parent.push(run);
      // Runs of the row above that touch this one, diagonals included.
      for (let above = previousRow.first; above < previousRow.end; above++) {
        if (runs[above].end >= start && runs[above].start <= x) {
          const a = root(above),
            b = root(run);
          if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
    previousRow = { first, end: runs.length };
  }

  const pieces = new Map<number, InkRun[]>();
  runs.forEach((run, i) => {
    const r = root(i);
    const list = pieces.get(r);
    if (list) list.push(run);
    else pieces.set(r, [run]);
  });
  if (pieces.size > maxPieces) return null;
  return [...pieces.values()].map(groupOf);
}

/** A group of the given runs (in row order within each piece; the order does not matter here). */
export function groupOf(runs: InkRun[]): InkGroup {
  let left = Infinity,
    right = -Infinity,
    top = Infinity,
    bottom = -Infinity,
    pixels = 0;
  for (const run of runs) {
    if (run.start < left) left = run.start;
    if (run.end > right) right = run.end;
    if (run.y < top) top = run.y;
    if (run.y + 1 > bottom) bottom = run.y + 1;
    pixels += run.end - run.start;
  }
  return { runs, box: { x: left, y: top, width: right - left, height: bottom - top }, pixels };
}

function merge(a: InkGroup, b: InkGroup): InkGroup {
  return groupOf(a.runs.concat(b.runs));
}

/**
 * Pieces → digits: pieces of one digit merged, noise dropped, ordered left to right (by the
 * centre of each group's box, so a 7 whose bar reaches over its neighbour still comes first).
 * `inkHeight` is the height of all the ink together: the scale of every distance here.
 */
export function groupDigits(pieces: InkGroup[], inkHeight: number): InkGroup[] {
  let groups = [...pieces];
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        if (!areStacked(groups[i].box, groups[j].box, inkHeight)) continue;
        groups[i] = merge(groups[i], groups[j]);
        groups.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  // Each fragment joins its nearest neighbour, nearest pairs first, until none is close enough.
  for (;;) {
    let closest: { i: number; j: number; distance: number } | undefined;
    groups.forEach((fragment, i) => {
      if (fragment.box.height >= FRAGMENT_HEIGHT * inkHeight) return;
      groups.forEach((other, j) => {
        const distance = boxDistance(fragment.box, other.box);
        if (j !== i && distance <= FRAGMENT_GAP * inkHeight && distance < (closest?.distance ?? Infinity)) closest = { i, j, distance };
      });
    });
    if (!closest) break;
    const { i, j } = closest;
    groups = [...groups.filter((_, k) => k !== i && k !== j), merge(groups[i], groups[j])];
  }
  const largest = Math.max(0, ...groups.map((group) => group.pixels));
  return joinDoubtfulPieces(groups.filter((group) => !isNoise(group, inkHeight, largest))).sort(leftToRight);
}

/** By the centre of each box, so a 7 whose bar reaches over its neighbour still comes first. */
function leftToRight(a: InkGroup, b: InkGroup): number {
  return a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2);
}

/**
 * Each short group near a neighbour is joined to it, nearest pairs first, keeping both groups as
 * `apart` so the model judges whether they are one digit or two. A group takes part in one such
 * join at most.
 */
function joinDoubtfulPieces(groups: InkGroup[]): InkGroup[] {
  const digitHeight = median(groups.map((group) => group.box.height));
  const pairs: Array<{ i: number; j: number; distance: number }> = [];
  groups.forEach((short, i) => {
    if (short.box.height >= DOUBTFUL_HEIGHT * digitHeight) return;
    groups.forEach((other, j) => {
      const distance = boxDistance(short.box, other.box);
      const joined = unionBox(short.box, other.box);
      const fits = joined.width <= DOUBTFUL_ASPECT * Math.max(joined.height, digitHeight);
      if (j !== i && fits && distance <= DOUBTFUL_GAP * digitHeight) pairs.push({ i, j, distance });
    });
  });
  pairs.sort((a, b) => a.distance - b.distance);
  const joined = new Set<number>();
  const result: InkGroup[] = [];
  for (const { i, j } of pairs) {
    if (joined.has(i) || joined.has(j)) continue;
    joined.add(i).add(j);
    const [left, right] = [groups[i], groups[j]].sort(leftToRight);
    result.push({ ...merge(left, right), apart: [left, right] });
  }
  return [...result, ...groups.filter((_, k) => !joined.has(k))];
}

function unionBox(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x),
    y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The middle value (the upper one of an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}

/**
 * Whether one piece sits above the other, sharing most of the narrower one's columns: in a
 * number written left to right, that is one digit (a 4's two strokes, a 7's crossbar, a 5's flag).
 */
export function areStacked(a: Rect, b: Rect, inkHeight: number): boolean {
  const overlapX = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const narrower = a.width <= b.width ? a : b;
  const wider = narrower === a ? b : a;
  const narrowerCentre = narrower.x + narrower.width / 2;
  return (
    overlapX >= STACKED_OVERLAP * narrower.width &&
    narrowerCentre >= wider.x &&
    narrowerCentre <= wider.x + wider.width &&
    verticalGap(a, b) <= STACKED_GAP * inkHeight
  );
}

/** The shortest distance between two boxes, 0 when they overlap. */
export function boxDistance(a: Rect, b: Rect): number {
  const gapX = Math.max(0, Math.max(a.x, b.x) - Math.min(a.x + a.width, b.x + b.width));
  return Math.hypot(gapX, verticalGap(a, b));
}

function verticalGap(a: Rect, b: Rect): number {
  return Math.max(0, Math.max(a.y, b.y) - Math.min(a.y + a.height, b.y + b.height));
}

function isNoise(group: InkGroup, inkHeight: number, largestPixels: number): boolean {
  return Math.max(group.box.width, group.box.height) < NOISE_EXTENT * inkHeight && group.pixels < NOISE_PIXELS * largestPixels;
}

/**
 * The ways to read a group: whole, and for a group much wider than a digit is tall (its own
 * height, or the number's typical digit height if taller), cut into two and three digits.
 * Where touching digits meet is guessed two ways, and the model judges every guess: the columns
 * of least ink (a thin join), and the columns where the ink spans the fewest rows (where the
 * outlines dip towards each other: two 0s touching side to side meet in a short vertical
 * stroke, which holds more ink than a 0's middle but spans far fewer rows). `maxParts` bounds
 * the cuts (the digit limit, less the other groups).
 */
export function readingsOf(group: InkGroup, digitHeight: number, maxParts: number): InkGroup[][] {
  const readings: InkGroup[][] = [[group]];
  if (group.apart && maxParts >= 2) readings.push(group.apart);
  const aspect = group.box.width / Math.max(group.box.height, digitHeight);
  if (maxParts < 2 || aspect <= TWO_DIGITS_ASPECT) return readings;
  const { ink, span } = columnProfiles(group);
  for (const parts of [2, 3]) {
    if (parts > maxParts || aspect <= (parts === 2 ? TWO_DIGITS_ASPECT : THREE_DIGITS_ASPECT)) break;
    const tried = new Set<string>();
    for (const cost of [ink, span]) {
      const cuts = Array.from({ length: parts - 1 }, (_, k) => cheapestColumn(cost, ((k + 1) / parts) * cost.length, CUT_WINDOW / parts));
      const key = cuts.join();
      if (tried.has(key)) continue;
      tried.add(key);
      const pieces = cutAt(group, cuts);
      // A sliver cut off the edge is not a digit: each part holds a fair share of the ink.
      if (pieces.every((piece) => piece.pixels >= (group.pixels * MIN_PART_SHARE) / parts)) readings.push(pieces);
    }
  }
  return readings;
}

/** Per column of the group's box: how many ink pixels, and how many rows from its first ink to its last. */
function columnProfiles({ runs, box }: InkGroup): { ink: Uint32Array; span: Uint32Array } {
  const ink = new Uint32Array(box.width);
  const top = new Int32Array(box.width).fill(box.y + box.height);
  const bottom = new Int32Array(box.width).fill(box.y - 1);
  for (const run of runs) {
    for (let x = run.start - box.x; x < run.end - box.x; x++) {
      ink[x]++;
      if (run.y < top[x]) top[x] = run.y;
      if (run.y > bottom[x]) bottom[x] = run.y;
    }
  }
  return { ink, span: Uint32Array.from(top, (first, x) => Math.max(0, bottom[x] - first + 1)) };
}

/** The column (box-relative) of least cost within `window` of the width around `around`; the nearest one on a tie. */
function cheapestColumn(cost: Uint32Array, around: number, window: number): number {
  const reach = Math.max(1, Math.round(window * cost.length));
  const centre = Math.round(around);
  let best = centre;
  for (let x = Math.max(1, centre - reach); x <= Math.min(cost.length - 1, centre + reach); x++) {
    const better = cost[x] < cost[best] || (cost[x] === cost[best] && Math.abs(x - centre) < Math.abs(best - centre));
    if (better) best = x;
  }
  return best;
}

/** The group cut into vertical slices at the given box-relative columns (each cut column starts a slice). */
function cutAt(group: InkGroup, cuts: number[]): InkGroup[] {
  const edges = [group.box.x, ...cuts.map((cut) => group.box.x + cut), group.box.x + group.box.width];
  return edges.slice(1).map((end, i) => {
    const start = edges[i];
    const runs: InkRun[] = [];
    for (const run of group.runs) {
      const from = Math.max(run.start, start),
        to = Math.min(run.end, end);
      if (from < to) runs.push({ y: run.y, start: from, end: to });
    }
    return groupOf(runs);
  });
}
