import { useDrawing } from './useDrawing';
import { samplesOf, toCanvasPoint, usePointerInput, type PointerInput, type PointerSurface } from './usePointerInput';

/** A canvas shown at 200×200 CSS pixels, 10 px from the viewport's corner. */
function surface(): PointerSurface & { captured: number[] } {
  const captured: number[] = [];
  return {
    captured,
    getBoundingClientRect: () => ({ left: 10, top: 10, width: 200, height: 200 }),
    setPointerCapture: (id) => captured.push(id),
  };
}

function pointerEvent(
  target: PointerSurface,
  init: Partial<PointerInput> & { clientX: number; clientY: number },
): PointerInput & { prevented: boolean } {
  const event = {
    pointerId: 1,
    button: 0,
    currentTarget: target,
    prevented: false,
    preventDefault: () => (event.prevented = true),
    ...init,
  };
  return event;
}

describe(toCanvasPoint.name, () => {
  it('maps client pixels to the 400×400 drawing, whatever size the canvas is shown at', () => {
    expect(toCanvasPoint({ clientX: 110, clientY: 60 }, { left: 10, top: 10, width: 200, height: 200 })).toEqual({ x: 200, y: 100 });
    expect(toCanvasPoint({ clientX: 410, clientY: 410 }, { left: 10, top: 10, width: 400, height: 400 })).toEqual({ x: 400, y: 400 });
  });

  it('maps to the pixels of a wide drawing on a wide canvas', () => {
    const rect = { left: 10, top: 10, width: 400, height: 200 };
    expect(toCanvasPoint({ clientX: 210, clientY: 60 }, rect, { width: 800, height: 400 })).toEqual({ x: 400, y: 100 });
  });
});

describe(samplesOf.name, () => {
  it('uses the coalesced samples when the browser has them, else the event', () => {
    const samples = [
      { clientX: 1, clientY: 1 },
      { clientX: 2, clientY: 2 },
    ];
    const target = surface();

    expect(samplesOf(pointerEvent(target, { clientX: 2, clientY: 2, getCoalescedEvents: () => samples }))).toBe(samples);
    expect(samplesOf(pointerEvent(target, { clientX: 2, clientY: 2, getCoalescedEvents: () => [] }))).toEqual([
      expect.objectContaining({ clientX: 2 }),
    ]);
    expect(samplesOf(pointerEvent(target, { clientX: 3, clientY: 3 }))).toEqual([expect.objectContaining({ clientX: 3 })]);
  });
});

describe(usePointerInput.name, () => {
  it('draws a stroke from pointer events, every coalesced sample included, with the pointer captured', () => {
    const drawing = useDrawing();
    const sut = usePointerInput(drawing);
    const canvas = surface();

    const down = pointerEvent(canvas, { clientX: 10, clientY: 10 });
    sut.down(down);
    sut.move(
      pointerEvent(canvas, {
        clientX: 30,
        clientY: 10,
        getCoalescedEvents: () => [
          { clientX: 20, clientY: 10 },
          { clientX: 30, clientY: 10 },
        ],
      }),
    );
    sut.up(pointerEvent(canvas, { clientX: 30, clientY: 10 }));

    expect(drawing.strokes.value).toEqual([
      [
        { x: 0, y: 0 },
        { x: 20, y: 0 },
        { x: 40, y: 0 },
      ],
    ]);
    expect(drawing.isDrawing.value).toBe(false);
    expect(canvas.captured).toEqual([1]);
    expect(down.prevented).toBe(true);
  });

  it('leaves other mouse buttons alone', () => {
    const drawing = useDrawing();
    const sut = usePointerInput(drawing);
    const rightClick = pointerEvent(surface(), { clientX: 50, clientY: 50, button: 2 });

    sut.down(rightClick);

    expect(drawing.isEmpty.value).toBe(true);
    expect(rightClick.prevented).toBe(false);
  });

  it('ignores hovering and a second finger', () => {
    const drawing = useDrawing();
    const sut = usePointerInput(drawing);
    const canvas = surface();

    sut.move(pointerEvent(canvas, { clientX: 50, clientY: 50 }));
    sut.down(pointerEvent(canvas, { clientX: 50, clientY: 50, pointerId: 7 }));
    const secondFinger = pointerEvent(canvas, { clientX: 90, clientY: 90, pointerId: 8 });
    sut.down(secondFinger);
    sut.move(pointerEvent(canvas, { clientX: 100, clientY: 100, pointerId: 8 }));

    expect(drawing.strokes.value).toEqual([[{ x: 80, y: 80 }]]);
    expect(secondFinger.prevented).toBe(false);
  });

  it('keeps the stroke when capture cannot be set (the pointer is already up)', () => {
    const drawing = useDrawing();
    const sut = usePointerInput(drawing);
    const canvas = {
      ...surface(),
      setPointerCapture: () => {
        throw new Error('InvalidPointerId');
      },
    };

    sut.down(pointerEvent(canvas, { clientX: 50, clientY: 50 }));

    expect(drawing.strokes.value).toHaveLength(1);
  });
});
