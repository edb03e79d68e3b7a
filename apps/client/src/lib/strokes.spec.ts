import { MIN_POINT_DISTANCE, renderDrawing, thinPoints, type StrokeContext } from './strokes';

/** Records every drawing call and property set, in order. */
function recordingContext(): { ctx: StrokeContext; calls: string[] } {
  const calls: string[] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get:
      (_, name: string) =>
      (...args: unknown[]) =>
        calls.push(`${name}(${args.join(',')})`),
    set: (_, name: string, value) => {
      calls.push(`${name}=${value}`);
      return true;
    },
  }) as unknown as StrokeContext;
  return { ctx, calls };
}

const options = { penWidth: 22, ink: '#000', scale: 2, width: 800, height: 800 };

describe(renderDrawing.name, () => {
  it('clears the whole backing store, then draws in drawing pixels with a round pen', () => {
    const { ctx, calls } = recordingContext();

    renderDrawing(ctx, { image: null, strokes: [] }, options);

    expect(calls).toEqual([
      'setTransform(1,0,0,1,0,0)',
      'clearRect(0,0,800,800)',
      'setTransform(2,0,0,2,0,0)',
      'lineWidth=22',
      'lineCap=round',
      'lineJoin=round',
      'strokeStyle=#000',
      'fillStyle=#000',
    ]);
  });

  it('smooths a stroke with quadratic curves through the midpoints of its samples', () => {
    const { ctx, calls } = recordingContext();

    renderDrawing(
      ctx,
      {
        image: null,
        strokes: [
          [
            { x: 0, y: 0 },
            { x: 10, y: 0 },
            { x: 10, y: 10 },
            { x: 20, y: 10 },
          ],
        ],
      },
      options,
    );

    expect(calls.slice(8)).toEqual([
      'beginPath()',
      'moveTo(0,0)',
      'quadraticCurveTo(10,0,10,5)',
      'quadraticCurveTo(10,10,15,10)',
      'lineTo(20,10)',
      'stroke()',
    ]);
  });

  it('draws a tap as a dot the size of the pen', () => {
    const { ctx, calls } = recordingContext();

    renderDrawing(ctx, { image: null, strokes: [[{ x: 5, y: 6 }]] }, options);

    expect(calls.slice(8)).toEqual(['beginPath()', `arc(5,6,11,0,${2 * Math.PI})`, 'fill()']);
  });

  it('paints an image under the strokes in the ink colour, over the whole drawing', () => {
    const { ctx, calls } = recordingContext();
    const image = 'IMAGE' as unknown as CanvasImageSource;

    renderDrawing(ctx, { image, strokes: [[{ x: 5, y: 6 }]] }, { ...options, ink: '#fff' });

    expect(calls.slice(3, 8)).toEqual([
      'drawImage(IMAGE,0,0,400,400)',
      'globalCompositeOperation=source-in',
      'fillStyle=#fff',
      'fillRect(0,0,400,400)',
      'globalCompositeOperation=source-over',
    ]);
    expect(calls.slice(-3)).toEqual(['beginPath()', `arc(5,6,11,0,${2 * Math.PI})`, 'fill()']);
  });

  it('puts a (square) image in the middle of a wide drawing and inks the whole drawing', () => {
    const { ctx, calls } = recordingContext();
    const image = 'IMAGE' as unknown as CanvasImageSource;

    renderDrawing(ctx, { image, strokes: [], size: { width: 800, height: 400 } }, { ...options, width: 1600 });

    expect(calls[3]).toBe('drawImage(IMAGE,200,0,400,400)');
    expect(calls[6]).toBe('fillRect(0,0,800,400)');
  });
});

describe(thinPoints.name, () => {
  it('drops samples closer than the minimum distance to the point kept before them', () => {
    const near = MIN_POINT_DISTANCE / 2;

    const sut = thinPoints({ x: 0, y: 0 }, [
      { x: near, y: 0 },
      { x: 2, y: 0 },
      { x: 2, y: near },
      { x: 2, y: 3 },
    ]);

    expect(sut).toEqual([
      { x: 2, y: 0 },
      { x: 2, y: 3 },
    ]);
  });

  it('keeps the first sample of a stroke', () => {
    expect(thinPoints(undefined, [{ x: 1, y: 1 }])).toEqual([{ x: 1, y: 1 }]);
  });
});
