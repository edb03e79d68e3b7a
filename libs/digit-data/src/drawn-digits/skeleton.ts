/**
 * From a binary image of a digit to the pen paths that could have drawn it: thin the ink to a
 * one-pixel skeleton (Zhang–Suen), then trace the skeleton into polylines. Pure functions on
 * small grids (≈ 112×112); no image library.
 */

export interface Grid {
  width: number;
  height: number;
  /** 1 = ink, 0 = background, row-major. */
  cells: Uint8Array;
}

export interface GridPoint {
  x: number;
  y: number;
}

/**
 * Zhang & Suen (1984) thinning: peel boundary pixels in two alternating sub-passes (south-east,
 * then north-west) until nothing changes, never removing a pixel that would break the shape's
 * connectivity or shorten a line's end. What is left runs down the middle of each stroke.
 */
export function thin(grid: Grid): Grid {
  const { width, height } = grid;
  const cells = grid.cells.slice();
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : cells[y * width + x]);
  const toRemove: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const pass of [0, 1]) {
      toRemove.length = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!cells[y * width + x]) continue;
          // Neighbours clockwise from north: P2 … P9 in the paper's names.
          const p = [
            at(x, y - 1),
            at(x + 1, y - 1),
            at(x + 1, y),
            at(x + 1, y + 1),
            at(x, y + 1),
            at(x - 1, y + 1),
            at(x - 1, y),
            at(x - 1, y - 1),
          ];
          const neighbours = p.reduce((sum, v) => sum + v, 0);
          if (neighbours < 2 || neighbours > 6) continue; // an end point, or an interior pixel
          let transitions = 0; // 0 → 1 steps around the ring: exactly one means removing p keeps the shape connected
          for (let i = 0; i < 8; i++) if (!p[i] && p[(i + 1) % 8]) transitions++;
          if (transitions !== 1) continue;
          const [north, , east, , south, , west] = p;
          const outerEdge =
            pass === 0 ? !(north && east && south) && !(east && south && west) : !(north && east && west) && !(north && south && west);
          if (outerEdge) toRemove.push(y * width + x);
        }
      }
      for (const index of toRemove) cells[index] = 0;
      if (toRemove.length) changed = true;
    }
  }
  return { width, height, cells };
}

/** Skeleton pixels as a graph: which set pixels each set pixel connects to. */
class SkeletonGraph {
  constructor(private readonly grid: Grid) {}

  isSet(index: number): boolean {
    return this.grid.cells[index] === 1;
  }

  /**
   * Orthogonal neighbours always connect; a diagonal one only when no orthogonal pixel already
   * joins the two. Otherwise every staircase corner of an 8-connected line would look like a
   * three-way junction.
   */
  neighbours(index: number): number[] {
    const { width, height, cells } = this.grid;
    const x = index % width,
      y = (index - x) / width;
    const set = (dx: number, dy: number) => {
      const nx = x + dx,
        ny = y + dy;
      return nx >= 0 && ny >= 0 && nx < width && ny < height && cells[ny * width + nx] === 1;
    };
    const result: number[] = [];
    for (const [dx, dy] of [
      [0, -1],
      [1, 0],
      [0, 1],
      [-1, 0],
    ])
      if (set(dx, dy)) result.push(index + dy * width + dx);
    for (const [dx, dy] of [
      [1, -1],
      [1, 1],
      [-1, 1],
      [-1, -1],
    ]) {
      if (set(dx, dy) && !set(dx, 0) && !set(0, dy)) result.push(index + dy * width + dx);
    }
    return result;
  }

  point(index: number): GridPoint {
    const x = index % this.grid.width;
    return { x, y: (index - x) / this.grid.width };
  }
}

/**
 * The skeleton as branches: pixel paths between nodes (ends and junctions, anything without
 * exactly two neighbours), plus closed loops that have no node at all (a clean "0").
 */
function branches(graph: SkeletonGraph, pixelCount: number): number[][] {
  const walked = new Set<number>();
  const edgeKey = (a: number, b: number) => Math.min(a, b) * pixelCount + Math.max(a, b);
  const onBranch = new Uint8Array(pixelCount);
  const result: number[][] = [];

  const walk = (from: number, to: number): number[] => {
    const path = [from, to];
    walked.add(edgeKey(from, to));
    let previous = from,
      current = to;
    while (current !== from) {
      const next = graph.neighbours(current);
      if (next.length !== 2) break;
      const onward = next[0] === previous ? next[1] : next[0];
      if (walked.has(edgeKey(current, onward))) break;
      walked.add(edgeKey(current, onward));
      path.push(onward);
      [previous, current] = [current, onward];
    }
    path.forEach((index) => (onBranch[index] = 1));
    return path;
  };

  for (let index = 0; index < pixelCount; index++) {
    if (!graph.isSet(index)) continue;
    const next = graph.neighbours(index);
    if (next.length === 2) continue;
    if (next.length === 0) {
      result.push([index]); // a lone dot
      onBranch[index] = 1;
    }
    for (const neighbour of next) if (!walked.has(edgeKey(index, neighbour))) result.push(walk(index, neighbour));
  }
  // Whatever is left is made of loops with no node: start anywhere and walk round.
  for (let index = 0; index < pixelCount; index++) {
    if (graph.isSet(index) && !onBranch[index]) result.push(walk(index, graph.neighbours(index)[0]));
  }
  return result;
}

/**
 * Removes spurs: short branches from a free end to a junction. Thinning grows them from every
 * bump on a stroke's edge; a pen never drew them. Repeats, since removing one spur can turn
 * its junction into a plain point of a line and reveal the next.
 */
export function pruneSpurs(grid: Grid, maxSpurLength: number): Grid {
  const cells = grid.cells.slice();
  const pruned = { ...grid, cells };
  const graph = new SkeletonGraph(pruned);
  for (let round = 0; round < 4; round++) {
    let removed = false;
    for (const path of branches(graph, cells.length)) {
      if (path.length > maxSpurLength) continue;
      const degreeAt = (index: number) => graph.neighbours(index).length;
      const [first, last] = [path[0], path[path.length - 1]];
      const freeEnd = degreeAt(first) === 1 ? 'first' : degreeAt(last) === 1 ? 'last' : null;
      const junction = freeEnd === 'first' ? last : first;
      if (!freeEnd || degreeAt(junction) < 3) continue;
      for (const index of path) if (index !== junction) cells[index] = 0;
      removed = true;
    }
    if (!removed) break;
  }
  return pruned;
}

/**
 * Traces the skeleton into polylines a pen could draw. At each junction the branches that
 * continue most nearly straight through it are joined into one stroke, as a hand crosses the
 * middle of a "4" or an "8" without lifting; the rest start or end there. Branches shorter than
 * `minLength` pixels that touch nothing (dust left by thinning) are dropped unless they are all
 * there is.
 */
export function traceStrokes(grid: Grid, minLength: number): GridPoint[][] {
  const graph = new SkeletonGraph(grid);
  const degreeAt = (index: number) => graph.neighbours(index).length;
  let paths = branches(graph, grid.cells.length);
  const isDust = (path: number[]) => path.length < minLength && degreeAt(path[0]) <= 1 && degreeAt(path[path.length - 1]) <= 1;
  if (paths.some((path) => !isDust(path))) paths = paths.filter((path) => !isDust(path));

  // Every branch has two ends; ends meeting at the same junction pixel may be paired.
  interface End {
    branch: number;
    atStart: boolean;
  }
  const pixelOf = ({ branch, atStart }: End) => (atStart ? paths[branch][0] : paths[branch][paths[branch].length - 1]);
  /** Unit vector pointing from the junction along the branch, a few pixels out to smooth pixel steps. */
  const heading = ({ branch, atStart }: End): GridPoint => {
    const path = paths[branch];
    const reach = Math.min(6, path.length - 1);
    const from = graph.point(atStart ? path[0] : path[path.length - 1]);
    const to = graph.point(atStart ? path[reach] : path[path.length - 1 - reach]);
    const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
    return { x: (to.x - from.x) / length, y: (to.y - from.y) / length };
  };
  const endsAt = new Map<number, End[]>();
  paths.forEach((path, branch) => {
    if (path.length < 2) return;
    for (const end of [
      { branch, atStart: true },
      { branch, atStart: false },
    ]) {
      endsAt.set(pixelOf(end), [...(endsAt.get(pixelOf(end)) ?? []), end]);
    }
  });
  const partner = new Map<string, End>();
  const keyOf = ({ branch, atStart }: End) => `${branch}:${atStart}`;
  for (const ends of endsAt.values()) {
    if (ends.length < 2) continue;
    // Straightest pairs first; two headings at more than ~110° apart count as going straight on.
    const pairs: Array<{ a: End; b: End; bend: number }> = [];
    for (let i = 0; i < ends.length; i++) {
      for (let j = i + 1; j < ends.length; j++) {
        const [a, b] = [heading(ends[i]), heading(ends[j])];
        pairs.push({ a: ends[i], b: ends[j], bend: a.x * b.x + a.y * b.y });
      }
    }
    pairs.sort((p, q) => p.bend - q.bend);
    for (const { a, b, bend } of pairs) {
      if (bend > -0.35 && ends.length > 2) break;
      if (partner.has(keyOf(a)) || partner.has(keyOf(b))) continue;
      partner.set(keyOf(a), b);
      partner.set(keyOf(b), a);
    }
  }

  const used = new Set<number>();
  const strokes: GridPoint[][] = [];
  const follow = (start: End) => {
    const stroke: number[] = [];
    let end: End | undefined = start;
    while (end && !used.has(end.branch)) {
      used.add(end.branch);
      const path = end.atStart ? paths[end.branch] : [...paths[end.branch]].reverse();
      stroke.push(...(stroke.length ? path.slice(1) : path)); // the junction pixel once, not twice
      end = partner.get(keyOf({ branch: end.branch, atStart: !end.atStart }));
    }
    strokes.push(stroke.map((index) => graph.point(index)));
  };
  // Strokes start at free ends and unpaired junction ends; what remains are closed circuits.
  paths.forEach((_, branch) => {
    for (const end of [
      { branch, atStart: true },
      { branch, atStart: false },
    ]) {
      if (!used.has(branch) && !partner.has(keyOf(end))) follow(end);
    }
  });
  paths.forEach((_, branch) => used.has(branch) || follow({ branch, atStart: true }));
  return strokes;
}

/**
 * Each ink pixel's distance to the nearest background pixel (0 on background): half the local
 * stroke width on the skeleton. Two-pass chamfer with weights 1 and √2, close enough to
 * Euclidean for telling thin strokes from thick blobs.
 */
export function distanceToBackground(grid: Grid): Float32Array {
  const { width, height, cells } = grid;
  const distance = Float32Array.from(cells, (cell) => (cell ? Infinity : 0));
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : distance[y * width + x]);
  const forward = [
    [-1, 0, 1],
    [0, -1, 1],
    [-1, -1, Math.SQRT2],
    [1, -1, Math.SQRT2],
  ];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (distance[i]) for (const [dx, dy, step] of forward) distance[i] = Math.min(distance[i], at(x + dx, y + dy) + step);
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (distance[i]) for (const [dx, dy, step] of forward) distance[i] = Math.min(distance[i], at(x - dx, y - dy) + step);
    }
  }
  return distance;
}
