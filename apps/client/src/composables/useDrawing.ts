/**
 * The drawing as data: strokes in canvas pixels, one pen down at a time, undo and clear, over an
 * optional image (uploaded, pasted or dropped) that replaces whatever was drawn before, on a drawing
 * of a chosen size (square, or wide for numbers).
 * No DOM here; `usePointerInput` feeds it points, `useImageInput` images, and the canvas renders `content`.
 */
import { computed, ref, shallowRef } from 'vue';
import { createEventHook } from '../lib/event-hook';
import { SQUARE_DRAWING, type DrawingSize } from '../lib/drawing-size';
import { thinPoints, type DrawingContent, type InkImage, type Point, type Stroke } from '../lib/strokes';

/**
 * What just happened to the drawing. `grow` is ink added while the pen is down; `finish` is pen-up;
 * `clear` and `undo` take ink away, `load` replaces it with an image and `resize` starts a blank
 * drawing of another size, so an answer about the drawing before them no longer applies.
 */
export type DrawingChange = 'grow' | 'finish' | 'clear' | 'undo' | 'load' | 'resize';

export function useDrawing(initialSize: DrawingSize = SQUARE_DRAWING) {
  const size = shallowRef<DrawingSize>(initialSize);
  const strokes = shallowRef<readonly Stroke[]>([]);
  const image = shallowRef<InkImage | null>(null);
  const activePointer = ref<number | null>(null);
  const changes = createEventHook<DrawingChange>();

  const isEmpty = computed(() => strokes.value.length === 0 && image.value === null);
  const isDrawing = computed(() => activePointer.value !== null);

  /** Pen down. Returns false while another pointer is drawing (a second finger does not start a stroke). */
  function begin(pointerId: number, point: Point): boolean {
    if (activePointer.value !== null) return false;
    activePointer.value = pointerId;
    strokes.value = [...strokes.value, [point]];
    changes.trigger('grow');
    return true;
  }

  /** Pen moved: the samples since the last event (coalesced events give several per frame). */
  function extend(pointerId: number, points: readonly Point[]): void {
    if (pointerId !== activePointer.value) return;
    const current = strokes.value[strokes.value.length - 1];
    const added = thinPoints(current[current.length - 1], points);
    if (added.length === 0) return;
    strokes.value = [...strokes.value.slice(0, -1), [...current, ...added]];
    changes.trigger('grow');
  }

  /** Pen up (or the pointer was cancelled): the stroke is kept. */
  function end(pointerId: number): void {
    if (pointerId !== activePointer.value) return;
    activePointer.value = null;
    changes.trigger('finish');
  }

  function clear(): void {
    if (isEmpty.value) return;
    activePointer.value = null;
    strokes.value = [];
    image.value = null;
    changes.trigger('clear');
  }

  /** Removes the last stroke (mid-stroke, the stroke being drawn); with no strokes left, the image. */
  function undo(): void {
    if (isEmpty.value) return;
    activePointer.value = null;
    if (strokes.value.length > 0) strokes.value = strokes.value.slice(0, -1);
    else image.value = null;
    changes.trigger('undo');
  }

  /** An image becomes the drawing: it replaces the strokes (and any earlier image); strokes drawn next go over it. */
  function load(picture: InkImage): void {
    activePointer.value = null;
    strokes.value = [];
    image.value = picture;
    changes.trigger('load');
  }

  /** Another canvas size: what was drawn would not fit the same way, so the drawing starts blank. */
  function resize(next: DrawingSize): void {
    if (next.width === size.value.width && next.height === size.value.height) return;
    activePointer.value = null;
    strokes.value = [];
    image.value = null;
    size.value = next;
    changes.trigger('resize');
  }

  return {
    /** Read-only outside: change the drawing through the methods, so every change is announced. */
    strokes: computed(() => strokes.value),
    image: computed(() => image.value),
    /** Everything on the canvas, as the screen and the frames render it. */
    content: computed<DrawingContent>(() => ({ image: image.value, strokes: strokes.value, size: size.value })),
    /** The drawing's size in canvas pixels. */
    size: computed(() => size.value),
    isEmpty,
    isDrawing,
    onChange: changes.on,
    begin,
    extend,
    end,
    clear,
    undo,
    load,
    resize,
  };
}

export type Drawing = ReturnType<typeof useDrawing>;
