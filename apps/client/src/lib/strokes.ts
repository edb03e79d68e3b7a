/**
 * A drawing is a list of strokes in canvas pixels (400×400, or 800×400 wide; whatever size the canvas
 * is shown at).
 * The same rendering draws the screen and the frames the server sees, so what you see is what it reads.
 */

export interface Point {
  x: number;
  y: number;
}

export type Stroke = readonly Point[];

/** The drawing's own coordinate space: frames are this many pixels square (the shared contract's constant). */
import { CANVAS_SIZE } from '@live-digits/shared';
import { SQUARE_DRAWING, type DrawingSize } from './drawing-size';
export { CANVAS_SIZE };

/**
 * MNIST digits are 20 px tall with strokes ~2–3 px wide; a 22 px round pen on a 400 px canvas keeps
 * that ratio for a digit drawn at a natural size (about 60–80% of the canvas' height).
 */
export const PEN_WIDTH = 22;

/** The subset of CanvasRenderingContext2D that drawing strokes needs (so tests can record calls). */
export type StrokeContext = Pick<
  CanvasRenderingContext2D,
  | 'setTransform'
  | 'clearRect'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'quadraticCurveTo'
  | 'arc'
  | 'fill'
  | 'stroke'
  | 'lineWidth'
  | 'lineCap'
  | 'lineJoin'
  | 'strokeStyle'
  | 'fillStyle'
  | 'drawImage'
  | 'fillRect'
  | 'globalCompositeOperation'
>;

/**
 * A picture that is part of the drawing (an uploaded, pasted or dropped image): ink as alpha on a
 * square canvas that stands for the whole 400×400 drawing (the middle square of a wide one), so it
 * scales like the strokes do.
 */
export type InkImage = CanvasImageSource;

/** What is on the canvas: an optional image underneath, and the strokes drawn over it. */
export interface DrawingContent {
  image: InkImage | null;
  strokes: readonly Stroke[];
  /** The drawing's size in canvas pixels; absent, the square default. */
  size?: DrawingSize;
}

export const sizeOf = (content: Pick<DrawingContent, 'size'>): DrawingSize => content.size ?? SQUARE_DRAWING;

export interface RenderOptions {
  penWidth: number;
  ink: string;
  /** Backing-store pixels per drawing pixel: the displayed width × devicePixelRatio ÷ the drawing's width. */
  scale: number;
  /** Backing-store size, for clearing. */
  width: number;
  height: number;
}

/**
 * Clears and draws the drawing: its image (if any) in the ink colour, then every stroke with a round pen. Between sampled points the path runs as
 * quadratic curves through the midpoints, which turns a jittery polyline into a smooth line
 * without moving it away from where the pen actually went.
 */
export function renderDrawing(ctx: StrokeContext, content: DrawingContent, options: RenderOptions): void {
  const { image, strokes } = content;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, options.width, options.height);
  ctx.setTransform(options.scale, 0, 0, options.scale, 0, 0);
  if (image) {
    // The image's alpha is its ink: paint it, then keep only its coverage, filled with the ink colour.
    // It is square: on a wide drawing it sits in the middle.
    const { width, height } = sizeOf(content);
    const side = Math.min(width, height);
    ctx.drawImage(image, (width - side) / 2, (height - side) / 2, side, side);
    ctx.globalCompositeOperation = 'source-in';
    ctx.fillStyle = options.ink;
    ctx.fillRect(0, 0, width, height);
    ctx.globalCompositeOperation = 'source-over';
  }
  ctx.lineWidth = options.penWidth;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = options.ink;
  ctx.fillStyle = options.ink;
  for (const stroke of strokes) {
    if (stroke.length === 0) continue;
    ctx.beginPath();
    if (stroke.length === 1) {
      // A tap: not every browser draws the round cap of a zero-length line, so draw the dot itself.
      ctx.arc(stroke[0].x, stroke[0].y, options.penWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.moveTo(stroke[0].x, stroke[0].y);
    for (let i = 1; i < stroke.length - 1; i++) {
      const control = stroke[i];
      const next = stroke[i + 1];
      ctx.quadraticCurveTo(control.x, control.y, (control.x + next.x) / 2, (control.y + next.y) / 2);
    }
    const last = stroke[stroke.length - 1];
    ctx.lineTo(last.x, last.y);
    ctx.stroke();
  }
}

/** Pointer samples closer than this to the previous one (in drawing pixels) add nothing but noise. */
export const MIN_POINT_DISTANCE = 0.75;

/** `points` without those too close to the point before them (the first is compared with `from`). */
export function thinPoints(from: Point | undefined, points: readonly Point[]): Point[] {
  const kept: Point[] = [];
  let previous = from;
  for (const point of points) {
    if (previous && Math.hypot(point.x - previous.x, point.y - previous.y) < MIN_POINT_DISTANCE) continue;
    kept.push(point);
    previous = point;
  }
  return kept;
}
