/**
 * The drawing as data: strokes in canvas pixels, one pen down at a time, undo and clear.
 * No DOM here; `usePointerInput` feeds it points and the canvas renders `strokes`.
 */
import { computed, ref, shallowRef } from 'vue';
import { createEventHook } from '../lib/event-hook';
import { thinPoints, type Point, type Stroke } from '../lib/strokes';

/**
 * What just happened to the drawing. `grow` is ink added while the pen is down; `finish` is pen-up;
 * `clear` and `undo` take ink away, so an answer about the drawing before them no longer applies.
 */
export type DrawingChange = 'grow' | 'finish' | 'clear' | 'undo';

export function useDrawing() {
  const strokes = shallowRef<readonly Stroke[]>([]);
  const activePointer = ref<number | null>(null);
  const changes = createEventHook<DrawingChange>();

  const isEmpty = computed(() => strokes.value.length === 0);
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
    if (strokes.value.length === 0) return;
    activePointer.value = null;
    strokes.value = [];
    changes.trigger('clear');
  }

  /** Removes the last stroke; mid-stroke, that is the stroke being drawn. */
  function undo(): void {
    if (strokes.value.length === 0) return;
    activePointer.value = null;
    strokes.value = strokes.value.slice(0, -1);
    changes.trigger('undo');
  }

  return {
    /** Read-only outside: change the drawing through the methods, so every change is announced. */
    strokes: computed(() => strokes.value),
    isEmpty,
    isDrawing,
    onChange: changes.on,
    begin,
    extend,
    end,
    clear,
    undo,
  };
}

export type Drawing = ReturnType<typeof useDrawing>;
