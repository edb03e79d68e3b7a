/**
 * Mouse, touch and pen, all as pointer events, turned into drawing points. The canvas captures the
 * pointer, so a stroke that leaves the canvas keeps going; coalesced events give every sample the
 * hardware delivered, not just one per animation frame, so fast strokes stay smooth.
 * (The page keeps still while drawing because the canvas has `touch-action: none`.)
 */
import type { Drawing } from './useDrawing';
import { SQUARE_DRAWING, type DrawingSize } from '../lib/drawing-size';
import type { Point } from '../lib/strokes';

/** The element being drawn on, as far as pointer handling needs it. */
export interface PointerSurface {
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  setPointerCapture(pointerId: number): void;
}

interface PointerSample {
  clientX: number;
  clientY: number;
}

/** What the handlers read from a PointerEvent. */
export interface PointerInput extends PointerSample {
  pointerId: number;
  button: number;
  currentTarget: EventTarget | PointerSurface | null;
  preventDefault(): void;
  getCoalescedEvents?(): PointerSample[];
}

/** Client coordinates → drawing pixels, whatever size the canvas is displayed at. */
export function toCanvasPoint(
  sample: PointerSample,
  rect: ReturnType<PointerSurface['getBoundingClientRect']>,
  size: DrawingSize = SQUARE_DRAWING,
): Point {
  const x = ((sample.clientX - rect.left) * size.width) / rect.width;
  const y = ((sample.clientY - rect.top) * size.height) / rect.height;
  return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
}

/** Every sample in a move event: the coalesced ones where the browser has them, else the event itself. */
export function samplesOf(event: PointerInput): PointerSample[] {
  const coalesced = event.getCoalescedEvents?.() ?? [];
  return coalesced.length > 0 ? coalesced : [event];
}

export function usePointerInput(drawing: Pick<Drawing, 'begin' | 'extend' | 'end' | 'isDrawing' | 'size'>) {
  const surfaceOf = (event: PointerInput) => event.currentTarget as PointerSurface;

  function down(event: PointerInput): void {
    // The main button only: a mouse's left button, a pen's tip, a finger. Right-click stays a context menu.
    if (event.button !== 0) return;
    const surface = surfaceOf(event);
    if (!drawing.begin(event.pointerId, toCanvasPoint(event, surface.getBoundingClientRect(), drawing.size.value))) return;
    event.preventDefault();
    try {
      surface.setPointerCapture(event.pointerId);
    } catch {
      // The pointer is already gone (a very short tap): the stroke still ends on pointerup.
    }
  }

  function move(event: PointerInput): void {
    if (!drawing.isDrawing.value) return; // hovering
    const rect = surfaceOf(event).getBoundingClientRect();
    drawing.extend(
      event.pointerId,
      samplesOf(event).map((sample) => toCanvasPoint(sample, rect, drawing.size.value)),
    );
  }

  /** pointerup, pointercancel and lostpointercapture all end the stroke; the ink stays. */
  function up(event: Pick<PointerInput, 'pointerId'>): void {
    drawing.end(event.pointerId);
  }

  return { down, move, up };
}
