import { DRAWING_SIZES, SQUARE_DRAWING } from '../lib/drawing-size';
import type { InkImage } from '../lib/strokes';
import { useDrawing, type DrawingChange } from './useDrawing';

const PICTURE = 'picture' as unknown as InkImage;

function drawingWithLog() {
  const sut = useDrawing();
  const changes: DrawingChange[] = [];
  sut.onChange((change) => changes.push(change));
  return { sut, changes };
}

describe(useDrawing.name, () => {
  it('starts empty', () => {
    const sut = useDrawing();

    expect(sut.isEmpty.value).toBe(true);
    expect(sut.isDrawing.value).toBe(false);
    expect(sut.strokes.value).toEqual([]);
  });

  it('records a stroke from pen-down to pen-up and announces each step', () => {
    const { sut, changes } = drawingWithLog();

    sut.begin(1, { x: 10, y: 10 });
    sut.extend(1, [
      { x: 20, y: 10 },
      { x: 30, y: 12 },
    ]);
    expect(sut.isDrawing.value).toBe(true);
    sut.end(1);

    expect(sut.strokes.value).toEqual([
      [
        { x: 10, y: 10 },
        { x: 20, y: 10 },
        { x: 30, y: 12 },
      ],
    ]);
    expect(sut.isDrawing.value).toBe(false);
    expect(sut.isEmpty.value).toBe(false);
    expect(changes).toEqual(['grow', 'grow', 'finish']);
  });

  it('ignores a second pointer while one is drawing', () => {
    const { sut, changes } = drawingWithLog();
    sut.begin(1, { x: 10, y: 10 });

    expect(sut.begin(2, { x: 50, y: 50 })).toBe(false);
    sut.extend(2, [{ x: 60, y: 60 }]);
    sut.end(2);

    expect(sut.strokes.value).toEqual([[{ x: 10, y: 10 }]]);
    expect(sut.isDrawing.value).toBe(true);
    expect(changes).toEqual(['grow']);
  });

  it('does not grow on samples that barely moved', () => {
    const { sut, changes } = drawingWithLog();
    sut.begin(1, { x: 10, y: 10 });

    sut.extend(1, [{ x: 10.2, y: 10.1 }]);

    expect(sut.strokes.value[0]).toHaveLength(1);
    expect(changes).toEqual(['grow']);
  });

  it('undo removes the last stroke only', () => {
    const { sut, changes } = drawingWithLog();
    sut.begin(1, { x: 0, y: 0 });
    sut.end(1);
    sut.begin(1, { x: 100, y: 100 });
    sut.end(1);

    sut.undo();

    expect(sut.strokes.value).toEqual([[{ x: 0, y: 0 }]]);
    expect(changes.at(-1)).toBe('undo');
  });

  it('undo mid-stroke drops the stroke being drawn and lifts the pen', () => {
    const { sut } = drawingWithLog();
    sut.begin(1, { x: 0, y: 0 });

    sut.undo();
    sut.extend(1, [{ x: 50, y: 50 }]);

    expect(sut.isEmpty.value).toBe(true);
    expect(sut.isDrawing.value).toBe(false);
  });

  it('clear removes everything; clearing or undoing nothing announces nothing', () => {
    const { sut, changes } = drawingWithLog();
    sut.begin(1, { x: 0, y: 0 });
    sut.end(1);

    sut.clear();
    sut.clear();
    sut.undo();

    expect(sut.isEmpty.value).toBe(true);
    expect(changes).toEqual(['grow', 'finish', 'clear']);
  });

  it('an image replaces the drawing; strokes go over it, undo takes them off first, then the image', () => {
    const { sut, changes } = drawingWithLog();
    sut.begin(1, { x: 0, y: 0 });

    sut.load(PICTURE);
    expect(sut.isDrawing.value).toBe(false);
    expect(sut.isEmpty.value).toBe(false);
    expect(sut.content.value).toEqual({ image: PICTURE, strokes: [], size: SQUARE_DRAWING });

    sut.begin(2, { x: 5, y: 5 });
    sut.end(2);
    sut.undo();
    expect(sut.content.value).toEqual({ image: PICTURE, strokes: [], size: SQUARE_DRAWING });
    sut.undo();
    expect(sut.isEmpty.value).toBe(true);
    expect(changes).toEqual(['grow', 'load', 'grow', 'finish', 'undo', 'undo']);
  });

  it('clear removes the image too', () => {
    const { sut, changes } = drawingWithLog();
    sut.load(PICTURE);

    sut.clear();

    expect(sut.content.value).toEqual({ image: null, strokes: [], size: SQUARE_DRAWING });
    expect(changes).toEqual(['load', 'clear']);
  });

  it('never changes a stroke list it has handed out', () => {
    const { sut } = drawingWithLog();
    sut.begin(1, { x: 0, y: 0 });
    const snapshot = sut.strokes.value;

    sut.extend(1, [{ x: 40, y: 0 }]);

    expect(snapshot).toEqual([[{ x: 0, y: 0 }]]);
  });

  it('starts blank at another size: a wide drawing for numbers, announced as a resize', () => {
    const { sut, changes } = drawingWithLog();
    sut.begin(1, { x: 10, y: 10 });
    sut.end(1);

    sut.resize(DRAWING_SIZES.wide);
    sut.resize({ ...DRAWING_SIZES.wide }); // the same size again changes nothing

    expect(sut.size.value).toEqual({ width: 800, height: 400 });
    expect(sut.content.value).toEqual({ image: null, strokes: [], size: DRAWING_SIZES.wide });
    expect(sut.isDrawing.value).toBe(false);
    expect(changes).toEqual(['grow', 'finish', 'resize']);
  });
});
