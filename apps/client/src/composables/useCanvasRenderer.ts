/**
 * Keeps the on-screen canvas sharp and up to date: its backing store follows the displayed size ×
 * devicePixelRatio (a phone's 3× screen gets 3× the pixels), the drawing is redrawn at most once per
 * animation frame, and the ink colour comes from CSS (`--ink`), so dark mode restyles the pen.
 */
import { onScopeDispose, watch, type Ref } from 'vue';
import { CANVAS_SIZE, renderDrawing, sizeOf, type DrawingContent } from '../lib/strokes';

/**
 * Device pixels along one side of a canvas shown `cssSize` CSS pixels long, for a drawing
 * `drawingSide` pixels long on that side; capped so a 4K zoom cannot ask for a huge bitmap.
 */
export function backingStoreSize(cssSize: number, devicePixelRatio: number, drawingSide = CANVAS_SIZE): number {
  const size = Math.round((cssSize > 0 ? cssSize : drawingSide) * (devicePixelRatio > 0 ? devicePixelRatio : 1));
  return Math.min(Math.max(size, 1), 4 * drawingSide);
}

export function useCanvasRenderer(
  canvas: Readonly<Ref<HTMLCanvasElement | null>>,
  content: Readonly<Ref<DrawingContent>>,
  penWidth: number,
): void {
  let frame: number | undefined;

  function draw(): void {
    frame = undefined;
    const element = canvas.value;
    const ctx = element?.getContext('2d');
    if (!element || !ctx) return;
    const drawing = sizeOf(content.value);
    const width = backingStoreSize(element.getBoundingClientRect().width, window.devicePixelRatio, drawing.width);
    const scale = width / drawing.width;
    const height = Math.round(drawing.height * scale);
    if (element.width !== width) element.width = width;
    if (element.height !== height) element.height = height;
    const ink = getComputedStyle(element).getPropertyValue('--ink').trim() || '#000';
    renderDrawing(ctx, content.value, { penWidth, ink, scale, width, height });
  }

  function schedule(): void {
    frame ??= requestAnimationFrame(draw);
  }

  watch([canvas, content], schedule, { immediate: true });

  const resize = new ResizeObserver(schedule);
  watch(
    canvas,
    (element, previous) => {
      if (previous) resize.unobserve(previous);
      if (element) resize.observe(element);
    },
    { immediate: true },
  );
  // Zoom and moving to another screen change devicePixelRatio; a colour-scheme change restyles the ink.
  const darkMode = window.matchMedia('(prefers-color-scheme: dark)');
  darkMode.addEventListener('change', schedule);
  window.addEventListener('resize', schedule);

  onScopeDispose(() => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    resize.disconnect();
    darkMode.removeEventListener('change', schedule);
    window.removeEventListener('resize', schedule);
  });
}
