import { distanceToBackground, Grid, pruneSpurs, thin, traceStrokes } from './skeleton';

/** A grid drawn in text: '#' is ink. */
function grid(rows: string[]): Grid {
  const width = rows[0].length;
  return { width, height: rows.length, cells: Uint8Array.from(rows.join(''), (char) => (char === '#' ? 1 : 0)) };
}

/** A grid with filled discs of `radius` along the straight lines between `points`. */
function penGrid(size: number, radius: number, ...lines: Array<[number, number, number, number]>): Grid {
  const cells = new Uint8Array(size * size);
  for (const [x0, y0, x1, y1] of lines) {
    for (let t = 0; t <= 1; t += 0.01) {
      const cx = x0 + (x1 - x0) * t,
        cy = y0 + (y1 - y0) * t;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (Math.hypot(x - cx, y - cy) <= radius) cells[y * size + x] = 1;
    }
  }
  return { width: size, height: size, cells };
}

function ring(size: number, radius: number, thickness: number): Grid {
  const centre = size / 2;
  const cells = new Uint8Array(size * size).map((_, i) => {
    const distance = Math.hypot((i % size) - centre, Math.floor(i / size) - centre);
    return Math.abs(distance - radius) <= thickness / 2 ? 1 : 0;
  });
  return { width: size, height: size, cells };
}

const inkCount = (g: Grid) => g.cells.reduce((sum, cell) => sum + cell, 0);

describe(thin.name, () => {
  it('thins a thick bar to a line one pixel wide', () => {
    const sut = thin(penGrid(40, 3, [5, 20, 34, 20]));
    for (let x = 8; x < 32; x++) {
      const column = Array.from({ length: 40 }, (_, y) => sut.cells[y * 40 + x]);
      expect(column.reduce((a, b) => a + b, 0)).toBe(1);
    }
  });

  it('keeps a ring a ring', () => {
    const sut = thin(ring(40, 12, 5));
    const strokes = traceStrokes(sut, 3);
    expect(strokes).toHaveLength(1);
    expect(strokes[0][0]).toEqual(strokes[0][strokes[0].length - 1]);
    expect(strokes[0].length).toBeGreaterThan(2 * Math.PI * 12 * 0.7);
  });
});

describe(pruneSpurs.name, () => {
  it('removes a short spur and keeps the long branches', () => {
    const skeleton = grid(['..............', '.############.', '.......#......', '.......#......', '..............']);
    const sut = pruneSpurs(skeleton, 4);
    expect(inkCount(sut)).toBe(12);
    expect(traceStrokes(sut, 1)).toHaveLength(1);
  });

  it('keeps a branch longer than the spur limit', () => {
    const skeleton = grid(['.........', '.#######.', '....#....', '....#....', '....#....', '....#....', '....#....', '.........']);
    expect(inkCount(pruneSpurs(skeleton, 3))).toBe(inkCount(skeleton));
  });
});

describe(traceStrokes.name, () => {
  it('draws a cross as two strokes, each going straight through the middle', () => {
    const cross = grid([
      '...........',
      '.....#.....',
      '.....#.....',
      '.....#.....',
      '.....#.....',
      '.#########.',
      '.....#.....',
      '.....#.....',
      '.....#.....',
      '.....#.....',
      '...........',
    ]);
    const sut = traceStrokes(cross, 1);
    expect(sut).toHaveLength(2);
    const spans = sut.map((stroke) => [stroke[0], stroke[stroke.length - 1]]);
    expect(spans).toEqual(
      expect.arrayContaining([
        expect.arrayContaining([
          { x: 5, y: 1 },
          { x: 5, y: 9 },
        ]),
        expect.arrayContaining([
          { x: 1, y: 5 },
          { x: 9, y: 5 },
        ]),
      ]),
    );
  });

  it('follows a staircase diagonal as one stroke, not a chain of junctions', () => {
    const stairs = grid(['#....', '##...', '.##..', '..##.', '...##']);
    const sut = traceStrokes(stairs, 1);
    expect(sut).toHaveLength(1);
    expect(sut[0]).toHaveLength(9);
  });

  it('drops specks next to a real stroke, but keeps a lone dot that is all there is', () => {
    expect(traceStrokes(grid(['#.........', '..........', '.#######..']), 3)).toHaveLength(1);
    expect(traceStrokes(grid(['...', '.#.', '...']), 3)).toEqual([[{ x: 1, y: 1 }]]);
  });
});

describe(distanceToBackground.name, () => {
  it('is half the stroke width on the middle of a stroke, and 0 off the ink', () => {
    const sut = distanceToBackground(grid(['.......', '.#####.', '.#####.', '.#####.', '.#####.', '.#####.', '.......']));
    expect(sut[3 * 7 + 3]).toBe(3);
    expect(sut[1 * 7 + 1]).toBe(1);
    expect(sut[0]).toBe(0);
  });
});
