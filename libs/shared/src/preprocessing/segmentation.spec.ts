import { areStacked, findInkPieces, groupDigits, InkGroup, InkMask, readingsOf } from './segmentation';

type Stroke = Array<[number, number]>;

/** A 0/1 mask with round-pen strokes (polylines) painted on it, like a canvas pen of `radius`. */
function paint(strokes: Stroke[], { width = 200, height = 100, radius = 3 } = {}): InkMask {
  const values = new Uint8Array(width * height);
  const dab = (cx: number, cy: number) => {
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x >= 0 && y >= 0 && x < width && y < height && (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) values[y * width + x] = 1;
      }
    }
  };
  for (const stroke of strokes) {
    stroke.forEach(([x, y], i) => {
      const [nx, ny] = stroke[Math.min(i + 1, stroke.length - 1)];
      const steps = Math.max(1, Math.ceil(Math.hypot(nx - x, ny - y)));
      for (let s = 0; s <= steps; s++) dab(x + ((nx - x) * s) / steps, y + ((ny - y) * s) / steps);
    });
  }
  return { values, offset: 0, stride: 1, width, height, threshold: 1 };
}

/** A ring (a 0) of the given centre and radii, as a polyline. */
function ring(cx: number, cy: number, rx: number, ry: number): Stroke {
  return Array.from({ length: 41 }, (_, i) => [cx + rx * Math.cos((i / 40) * 2 * Math.PI), cy + ry * Math.sin((i / 40) * 2 * Math.PI)]);
}

const whole = (mask: InkMask) => ({ x: 0, y: 0, width: mask.width, height: mask.height });

/** The digits of a mask, as groupDigits finds them, with the ink height taken from the pieces as preprocess.ts does. */
function digitsOf(mask: InkMask): InkGroup[] {
  const pieces = findInkPieces(mask, whole(mask))!;
  const top = Math.min(...pieces.map((p) => p.box.y));
  const bottom = Math.max(...pieces.map((p) => p.box.y + p.box.height));
  return groupDigits(pieces, bottom - top);
}

/** Ink pixels of a mask. */
function inkCount(mask: InkMask): number {
  return mask.values.reduce((sum, value) => sum + value, 0);
}

describe(findInkPieces.name, () => {
  it('finds each connected piece with its exact box and pixel count', () => {
    const mask = paint([], { width: 20, height: 10 });
    // A 3×2 block and a diagonal line of 3 pixels (8-connected: one piece).
    for (const [x, y] of [
      [1, 1],
      [2, 1],
      [3, 1],
      [1, 2],
      [2, 2],
      [3, 2],
      [10, 5],
      [11, 6],
      [12, 7],
    ])
      mask.values[y * 20 + x] = 1;
    const pieces = findInkPieces(mask, whole(mask))!;
    expect(pieces.map((p) => ({ box: p.box, pixels: p.pixels }))).toEqual([
      { box: { x: 1, y: 1, width: 3, height: 2 }, pixels: 6 },
      { box: { x: 10, y: 5, width: 3, height: 3 }, pixels: 3 },
    ]);
  });

  it('joins a U shape whose arms meet only at the bottom into one piece', () => {
    const mask = paint([
      [
        [20, 10],
        [20, 80],
        [60, 80],
        [60, 10],
      ],
    ]);
    expect(findInkPieces(mask, whole(mask))).toHaveLength(1);
  });

  it('reads the ink through a stride and offset (an RGBA alpha plane) and a threshold', () => {
    const rgba = new Uint8Array(4 * 4 * 1);
    rgba[3] = 200; // pixel 0: strong ink
    rgba[7] = 20; // pixel 1: too faint
    rgba[15] = 255; // pixel 3
    const pieces = findInkPieces(
      { values: rgba, offset: 3, stride: 4, width: 4, height: 1, threshold: 50 },
      { x: 0, y: 0, width: 4, height: 1 },
    )!;
    expect(pieces.map((p) => p.box.x)).toEqual([0, 3]);
  });

  it('gives up (null) on more pieces than it may group', () => {
    const mask = paint([], { width: 100, height: 10 });
    for (let x = 0; x < 100; x += 2) mask.values[x] = 1;
    expect(findInkPieces(mask, whole(mask), 49)).toBeNull();
    expect(findInkPieces(mask, whole(mask), 50)).toHaveLength(50);
  });
});

describe(groupDigits.name, () => {
  it('reads two digits side by side as two groups, left to right', () => {
    const one: Stroke = [
      [140, 15],
      [140, 85],
    ];
    const mask = paint([one, ring(50, 50, 20, 35)]);
    const digits = digitsOf(mask);
    expect(digits).toHaveLength(2);
    expect(digits[0].box.x).toBeLessThan(digits[1].box.x);
    expect(digits[1].box).toEqual({ x: 137, y: 12, width: 7, height: 77 });
  });

  it('keeps close but separate digits apart', () => {
    // Two rings 6 px apart, a tenth of their height.
    const mask = paint([ring(40, 50, 20, 35), ring(92, 50, 20, 35)]);
    expect(digitsOf(mask)).toHaveLength(2);
  });

  it("joins a 5's separate flag to its body", () => {
    const body: Stroke = [
      [40, 15],
      [36, 48],
      [55, 42],
      [70, 55],
      [66, 78],
      [48, 85],
      [32, 78],
    ];
    const flag: Stroke = [
      [50, 14],
      [78, 12],
    ];
    const mask = paint([body, flag]);
    expect(findInkPieces(mask, whole(mask))).toHaveLength(2);
    const digits = digitsOf(mask);
    expect(digits).toHaveLength(1);
    expect(digits[0].pixels).toBe(inkCount(mask));
  });

  it("joins a 7's crossbar, drawn apart from the stem, to the 7 — and keeps the 1 beside it", () => {
    const seven: Stroke = [
      [20, 15],
      [70, 15],
      [45, 88],
    ];
    const crossbar: Stroke = [
      [40, 52],
      [48, 52],
    ];
    const one: Stroke = [
      [120, 15],
      [120, 88],
    ];
    // The crossbar crosses where the stem is not: a gap of a few pixels on its right.
    const mask = paint([seven, crossbar, one]);
    expect(findInkPieces(mask, whole(mask))).toHaveLength(3);
    const digits = digitsOf(mask);
    expect(digits).toHaveLength(2);
    expect(digits[0].box.x).toBe(17);
    expect(digits[1].box.x).toBe(117);
  });

  it('joins a 4 drawn in two strokes that do not touch', () => {
    const corner: Stroke = [
      [40, 12],
      [22, 60],
      [62, 60],
    ];
    const stem: Stroke = [
      [55, 30],
      [55, 90],
    ];
    // The stem starts below the bar, as a hurried 4's does: a few pixels of air between them.
    const mask = paint([corner, [[55, 70] as [number, number], ...stem.slice(1)]]);
    expect(findInkPieces(mask, whole(mask))).toHaveLength(2);
    expect(digitsOf(mask)).toHaveLength(1);
  });

  it('joins a dotted stroke into one digit', () => {
    const dots: Stroke[] = Array.from({ length: 8 }, (_, i) => [
      [60, 10 + i * 14],
      [60, 14 + i * 14],
    ]);
    const mask = paint(dots, { height: 120 });
    expect(findInkPieces(mask, whole(mask))).toHaveLength(8);
    expect(digitsOf(mask)).toHaveLength(1);
  });

  it('drops specks and dots far from the digits as noise', () => {
    const mask = paint([ring(50, 50, 20, 35), ring(130, 50, 20, 35)]);
    const dot = (x: number, y: number, side: number) => {
      for (let dy = 0; dy < side; dy++) mask.values.fill(1, (y + dy) * 200 + x, (y + dy) * 200 + x + side);
    };
    dot(2, 2, 3); // a tap in the corner
    dot(190, 50, 4); // a dot right of the number
    dot(110, 95, 2); // a speck below it
    dot(5, 99, 1); // a stray pixel
    expect(findInkPieces(mask, whole(mask))).toHaveLength(6);
    const digits = digitsOf(mask);
    expect(digits.map((d) => d.box.x)).toEqual([27, 107]);
  });

  it('joins a short piece close to a digit, keeping the two apart as a second reading: a 6 whose loop missed its stem', () => {
    const stem: Stroke = [
      [62, 12],
      [40, 40],
      [34, 70],
      [40, 86],
    ];
    // The loop is drawn right of the stem's foot, short of it: 47 px of the digit's 81, too far right to sit over it.
    const loop = ring(72, 68, 16, 20);
    const one: Stroke = [
      [150, 10],
      [150, 88],
    ];
    const mask = paint([stem, loop, one]);
    expect(findInkPieces(mask, whole(mask))).toHaveLength(3);
    const digits = digitsOf(mask);
    expect(digits).toHaveLength(2);
    const [six, lone] = digits;
    expect(six.pixels + lone.pixels).toBe(inkCount(mask));
    expect(six.apart!.map((part) => part.box.x)).toEqual([31, 53]);
    expect(lone.apart).toBeUndefined();
    expect(readingsOf(six, 80, 8)).toEqual([[six], six.apart]);
  });

  it('leaves a short digit far from the others on its own', () => {
    const mask = paint([ring(40, 50, 20, 35), ring(140, 65, 15, 20)]);
    expect(digitsOf(mask).map((digit) => digit.apart)).toEqual([undefined, undefined]);
  });

  it('makes nine separate digits of nine separate strokes (preprocessNumber refuses more than eight)', () => {
    const ones: Stroke[] = Array.from({ length: 9 }, (_, i) => [
      [10 + i * 20, 15],
      [10 + i * 20, 85],
    ]);
    expect(digitsOf(paint(ones))).toHaveLength(9);
  });
});

describe(areStacked.name, () => {
  it('stacks boxes that share most columns and sit close; not boxes side by side', () => {
    expect(areStacked({ x: 0, y: 0, width: 40, height: 30 }, { x: 5, y: 40, width: 30, height: 40 }, 80)).toBe(true);
    expect(areStacked({ x: 0, y: 0, width: 40, height: 80 }, { x: 30, y: 0, width: 40, height: 80 }, 80)).toBe(false);
    // Stacked, but a whole line apart.
    expect(areStacked({ x: 0, y: 0, width: 40, height: 30 }, { x: 5, y: 100, width: 30, height: 40 }, 80)).toBe(false);
  });
});

describe(readingsOf.name, () => {
  it('offers touching 00 whole and cut in two at the column where the rings touch', () => {
    const mask = paint([ring(40, 50, 20, 35), ring(80, 50, 20, 35)]);
    const pieces = findInkPieces(mask, whole(mask))!;
    expect(pieces).toHaveLength(1);
    const readings = readingsOf(pieces[0], pieces[0].box.height, 8);
    expect(readings[0]).toEqual([pieces[0]]);
    expect(readings.slice(1).every((reading) => reading.length === 2)).toBe(true);
    // The rings touch at x = 60: one of the cuts is there, within the pen's width, and leaves two whole rings.
    const atJoin = readings.find((reading) => reading.length === 2 && Math.abs(reading[1].box.x - 60) <= 3);
    expect(atJoin).toBeDefined();
    const [left, right] = atJoin!;
    expect(left.pixels + right.pixels).toBe(pieces[0].pixels);
    expect(left.box.height).toBeGreaterThan(70);
    expect(right.box.height).toBeGreaterThan(70);
  });

  it('offers three touching digits as one, two or three', () => {
    const mask = paint([ring(30, 50, 20, 35), ring(70, 50, 20, 35), ring(110, 50, 20, 35)]);
    const [piece] = findInkPieces(mask, whole(mask))!;
    const lengths = (maxParts: number) => new Set(readingsOf(piece, piece.box.height, maxParts).map((reading) => reading.length));
    expect(lengths(8)).toEqual(new Set([1, 2, 3]));
    // …but not beyond the digits the number has left.
    expect(lengths(2)).toEqual(new Set([1, 2]));
  });

  it('reads a digit of ordinary width only whole', () => {
    const mask = paint([ring(50, 50, 25, 35)]);
    const [piece] = findInkPieces(mask, whole(mask))!;
    expect(readingsOf(piece, piece.box.height, 8)).toEqual([[piece]]);
  });
});
