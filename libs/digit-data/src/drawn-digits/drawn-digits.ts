/**
 * The project's drawn-digit generator: MNIST training digits redrawn the way a person draws on
 * our 400×400 browser canvas, with a round pen 16–32 px wide, at any size, off-centre. The model
 * must score ≥ 97% on these after `preprocessImage`, and the browser tests replay the same
 * strokes as pointer events, so each digit is kept as strokes and rendered from them.
 *
 * Why redraw MNIST instead of drawing new digits: the shapes stay real handwriting with known
 * labels, while the ink becomes a canvas pen's: uniform width, round ends, perfectly black,
 * anti-aliased by the renderer — the differences that matter between MNIST and a drawing.
 */
import sharp from 'sharp';
import { IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { CANVAS_SIZE } from '@live-digits/shared';
import { SeededRandom } from '../random';
import { distanceToBackground, Grid, GridPoint, pruneSpurs, thin, traceStrokes } from './skeleton';

export interface Point {
  x: number;
  y: number;
}

export interface DrawnDigit {
  label: number;
  /** Index of the MNIST image it was traced from. */
  source: number;
  /** Pen diameter in canvas pixels. */
  penWidth: number;
  /** Pen-down paths in canvas pixels, 400×400, in drawing order. */
  strokes: Point[][];
}

export { CANVAS_SIZE };
export const PEN_WIDTH = { min: 16, max: 32 };
/** Height of the drawn ink, pen included, in canvas pixels: from a small scribble to most of the canvas. */
export const DIGIT_HEIGHT = { min: 120, max: 320 };

/**
 * Traced at 4× MNIST's resolution: MNIST strokes are 2–3 px wide, too thin to thin well, and a
 * skeleton on the 28 px grid would be all stair steps.
 */
const UPSAMPLE = 4;
/** MNIST's grey anti-aliased edges: what counts as ink when deciding the stroke's shape. */
const INK_THRESHOLD = 0.4;
/** In traced pixels (UPSAMPLE per MNIST pixel). */
const MAX_SPUR_LENGTH = 2.5 * UPSAMPLE;
const MIN_STROKE_LENGTH = 1.5 * UPSAMPLE;
/** A stroke ending in ink this many times deeper than its usual half-width ends in a filled loop. */
const FILLED_LOOP_DEPTH = 2;
/** Canvas pixels kept between the ink and the canvas' edge. */
const MARGIN = 4;

/** Pen paths for one MNIST digit, placed on the canvas at a random size and position. */
export function strokesFromMnist(pixels: Uint8Array, label: number, source: number, random: SeededRandom): DrawnDigit {
  const ink = inkGrid(pixels);
  const skeleton = pruneSpurs(thin(ink), MAX_SPUR_LENGTH);
  const traced = redrawFilledLoops(traceStrokes(skeleton, MIN_STROKE_LENGTH), ink, skeleton).map((stroke) => simplify(smooth(stroke), 0.2));
  if (traced.length === 0) throw new RangeError(`MNIST digit ${source} has no ink to trace.`);

  const penWidth = random.int(PEN_WIDTH.min, PEN_WIDTH.max);
  const all = traced.flat();
  const left = Math.min(...all.map((p) => p.x)),
    right = Math.max(...all.map((p) => p.x));
  const top = Math.min(...all.map((p) => p.y)),
    bottom = Math.max(...all.map((p) => p.y));
  // Size the ink (path plus the pen's radius on each side) to a random height; a wide digit
  // is shrunk if it would not fit across the canvas.
  const inkHeight = random.uniform(DIGIT_HEIGHT.min, DIGIT_HEIGHT.max);
  const room = CANVAS_SIZE - 2 * MARGIN - penWidth;
  const scale = Math.min(
    (inkHeight - penWidth) / Math.max(bottom - top, 1),
    room / Math.max(right - left, 1),
    room / Math.max(bottom - top, 1),
  );
  // Anywhere on the canvas, as long as all the ink stays inside it.
  const offsetX = random.uniform(MARGIN + penWidth / 2, CANVAS_SIZE - MARGIN - penWidth / 2 - (right - left) * scale) - left * scale;
  const offsetY = random.uniform(MARGIN + penWidth / 2, CANVAS_SIZE - MARGIN - penWidth / 2 - (bottom - top) * scale) - top * scale;
  const toCanvas = (p: GridPoint): Point => ({ x: round1(p.x * scale + offsetX), y: round1(p.y * scale + offsetY) });

  const strokes = traced.map((stroke) => {
    const points = stroke.map(toCanvas);
    // A lone dot still has to be a stroke a pen draws: a tiny segment, which a round cap makes a disc.
    return points.length === 1 ? [points[0], { x: points[0].x + 0.5, y: points[0].y }] : points;
  });
  return { label, source, penWidth, strokes };
}

/** The MNIST digit upsampled (bilinear, between pixel centres) and thresholded: 1 where there is ink. */
function inkGrid(pixels: Uint8Array): Grid {
  const size = IMAGE_SIDE * UPSAMPLE;
  const cells = new Uint8Array(size * size);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= IMAGE_SIDE || y >= IMAGE_SIDE ? 0 : pixels[y * IMAGE_SIDE + x] / 255);
  for (let y = 0; y < size; y++) {
    const sy = (y + 0.5) / UPSAMPLE - 0.5,
      y0 = Math.floor(sy),
      fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = (x + 0.5) / UPSAMPLE - 0.5,
        x0 = Math.floor(sx),
        fx = sx - x0;
      const value = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
      cells[y * size + x] = value >= INK_THRESHOLD ? 1 : 0;
    }
  }
  return { width: size, height: size, cells };
}

/**
 * MNIST writers' small loops often closed up into solid blobs: a "6" or "9" with a filled head.
 * Thinning reduces a blob to the stub of the stroke that entered it, so the redrawn "6" would
 * lose its loop and read as a "1". Where a stroke ends inside ink much thicker than the digit's
 * usual stroke, the writer's pen went round: draw that loop, a circle whose pen line fills the blob.
 */
function redrawFilledLoops(strokes: GridPoint[][], ink: Grid, skeleton: Grid): GridPoint[][] {
  const depth = distanceToBackground(ink);
  const depthAt = (p: GridPoint) => depth[p.y * ink.width + p.x];
  const halfWidths = [...skeleton.cells.keys()]
    .filter((i) => skeleton.cells[i])
    .map((i) => depth[i])
    .sort((a, b) => a - b);
  const halfWidth = halfWidths[halfWidths.length >> 1];

  /** The deepest ink near the stroke's last point, if it is a blob rather than a stroke's end. */
  const blobAt = (end: GridPoint) => {
    const reach = Math.ceil(depthAt(end)) + 2;
    let centre = end;
    for (let y = Math.max(0, end.y - reach); y <= Math.min(ink.height - 1, end.y + reach); y++) {
      for (let x = Math.max(0, end.x - reach); x <= Math.min(ink.width - 1, end.x + reach); x++) {
        if (depthAt({ x, y }) > depthAt(centre)) centre = { x, y };
      }
    }
    return depthAt(centre) >= FILLED_LOOP_DEPTH * halfWidth ? { centre, radius: depthAt(centre) - halfWidth } : null;
  };
  const withLoop = (stroke: GridPoint[]): GridPoint[] => {
    const end = stroke[stroke.length - 1];
    const blob = blobAt(end);
    if (!blob) return stroke;
    const { centre, radius } = blob;
    // Join the circle where the stroke reaches it and go round in the direction the pen was moving.
    const before = stroke[Math.max(0, stroke.length - 4)];
    const turn = Math.sign((end.x - before.x) * (centre.y - end.y) - (end.y - before.y) * (centre.x - end.x)) || 1;
    const start = Math.atan2(end.y - centre.y, end.x - centre.x);
    const loop = Array.from({ length: 17 }, (_, k) => {
      const angle = start + turn * ((2 * Math.PI * k) / 16);
      return { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
    });
    return [...stroke, ...loop];
  };

  return strokes.map((stroke) => {
    const closed = stroke.length > 2 && stroke[0].x === stroke[stroke.length - 1].x && stroke[0].y === stroke[stroke.length - 1].y;
    if (closed || stroke.length < 2) return stroke;
    return withLoop(withLoop(stroke).reverse()).reverse();
  });
}

/** Irons out the skeleton's pixel stair-steps: three passes of a 5-point moving average, ends pinned. */
function smooth(stroke: GridPoint[]): GridPoint[] {
  let points = stroke;
  for (let pass = 0; pass < 3; pass++) {
    points = points.map((point, i) => {
      if (i === 0 || i === points.length - 1) return point;
      const window = points.slice(Math.max(0, i - 2), Math.min(points.length, i + 3));
      return { x: window.reduce((s, p) => s + p.x, 0) / window.length, y: window.reduce((s, p) => s + p.y, 0) / window.length };
    });
  }
  return points;
}

/** Ramer–Douglas–Peucker: drops points that lie within `tolerance` of the line through their neighbours. */
function simplify(points: GridPoint[], tolerance: number): GridPoint[] {
  if (points.length < 3) return points;
  const [first, last] = [points[0], points[points.length - 1]];
  const length = Math.hypot(last.x - first.x, last.y - first.y);
  let farthest = 0,
    distance = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const d = length
      ? Math.abs((last.x - first.x) * (first.y - p.y) - (first.x - p.x) * (last.y - first.y)) / length
      : Math.hypot(p.x - first.x, p.y - first.y); // a closed loop: measure from its start
    if (d > distance) [farthest, distance] = [i, d];
  }
  if (distance <= tolerance) return [first, last];
  return [...simplify(points.slice(0, farthest + 1), tolerance).slice(0, -1), ...simplify(points.slice(farthest), tolerance)];
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A canvas' size in pixels: the page's 400×400, or the wide one numbers are written on. */
export interface CanvasSize {
  width: number;
  height: number;
}

export const SQUARE_CANVAS: CanvasSize = { width: CANVAS_SIZE, height: CANVAS_SIZE };

export type CanvasBackground = 'transparent' | 'white';

/**
 * Pen paths as a browser canvas would show them: black strokes with round caps and joins (what
 * the client's pen sets), anti-aliased, on a transparent canvas (the default) or a white one.
 */
export function renderStrokes(
  strokes: readonly Point[][],
  penWidth: number,
  canvas: CanvasSize = SQUARE_CANVAS,
  background: CanvasBackground = 'transparent',
): Promise<Buffer> {
  return renderPens([{ strokes, penWidth }], canvas, background);
}

/** Like {@link renderStrokes}, each group of strokes with its own pen (digits a test wrote with different pens). */
export async function renderPens(
  pens: ReadonlyArray<{ strokes: readonly Point[][]; penWidth: number }>,
  canvas: CanvasSize = SQUARE_CANVAS,
  background: CanvasBackground = 'transparent',
): Promise<Buffer> {
  const group = ({ strokes, penWidth }: { strokes: readonly Point[][]; penWidth: number }) =>
    `<g fill="none" stroke="black" stroke-width="${penWidth}" stroke-linecap="round" stroke-linejoin="round">` +
    strokes.map((stroke) => `<polyline points="${stroke.map((p) => `${p.x},${p.y}`).join(' ')}"/>`).join('') +
    '</g>';
  const fill = background === 'white' ? `<rect width="100%" height="100%" fill="white"/>` : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}">${fill}${pens.map(group).join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The digit on the page's 400×400 canvas. */
export function renderDrawnDigit(digit: DrawnDigit, background: CanvasBackground = 'transparent'): Promise<Buffer> {
  return renderStrokes(digit.strokes, digit.penWidth, SQUARE_CANVAS, background);
}

/**
 * `count` drawn digits from an MNIST set, the ten labels in turn so any count is balanced (to
 * within one), each digit a different source image. The same seed gives the same digits.
 */
export function generateDrawnDigits(
  set: { images: { pixels: Uint8Array; count: number }; labels: Uint8Array },
  count: number,
  seed: number,
): DrawnDigit[] {
  const random = new SeededRandom(seed);
  const sourcesByLabel: number[][] = Array.from({ length: 10 }, () => []);
  set.labels.forEach((label, index) => index < set.images.count && sourcesByLabel[label].push(index));
  sourcesByLabel.forEach((sources) => random.shuffle(sources));

  const digits: DrawnDigit[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    const sources = sourcesByLabel[label];
    if (sources.length === 0) throw new RangeError(`The MNIST set has no digit ${label} to draw.`);
    const source = sources[Math.floor(i / 10) % sources.length];
    const pixels = set.images.pixels.subarray(source * IMAGE_SIDE * IMAGE_SIDE, (source + 1) * IMAGE_SIDE * IMAGE_SIDE);
    digits.push(strokesFromMnist(pixels, label, source, random));
  }
  return digits;
}
