import { preprocessImage } from '@live-digits/shared/preprocessing/preprocess';
import { bundledMnistDir, MnistSet, readMnistSplit } from '../mnist/mnist-files';
import { SeededRandom } from '../random';
import { CANVAS_SIZE, DrawnDigit, Point, renderDrawnDigit, strokesFromMnist } from './drawn-digits';
import {
  applyWritingStyle,
  generateStyledDigits,
  LARGE_HEIGHT,
  slantOf,
  SMALL_HEIGHT,
  STYLE_MARGIN,
  stylesFor,
  THICK_PEN,
  THIN_PEN,
  WRITING_STYLES,
  WritingStyle,
} from './writing-styles';

function inkBounds({ strokes, penWidth }: DrawnDigit) {
  const points = strokes.flat();
  const r = penWidth / 2;
  const [xs, ys] = [points.map((p) => p.x), points.map((p) => p.y)];
  return { left: Math.min(...xs) - r, right: Math.max(...xs) + r, top: Math.min(...ys) - r, bottom: Math.max(...ys) + r };
}

const pathLength = (strokes: Point[][]) =>
  strokes.reduce((sum, stroke) => sum + stroke.slice(1).reduce((s, p, i) => s + Math.hypot(p.x - stroke[i].x, p.y - stroke[i].y), 0), 0);

/** The farthest any point of `stroke` lies from the straight line through its ends. */
function bowOf(stroke: Point[]): number {
  const [a, b] = [stroke[0], stroke[stroke.length - 1]];
  const length = Math.hypot(b.x - a.x, b.y - a.y);
  return Math.max(...stroke.map((p) => Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / length));
}

describe('writing styles', () => {
  let mnist: MnistSet;
  /** The first `count` MNIST test digits of `label`, drawn, each with the random that drew it. */
  let drawn: (label: number, count: number) => { digit: DrawnDigit; random: SeededRandom }[];

  beforeAll(() => {
    mnist = readMnistSplit(bundledMnistDir(), 't10k');
    drawn = (label, count) => {
      const sources = [...mnist.labels.keys()].filter((i) => mnist.labels[i] === label).slice(0, count);
      return sources.map((source) => {
        const random = new SeededRandom(source);
        return { digit: strokesFromMnist(mnist.images.pixels.subarray(source * 784, (source + 1) * 784), label, source, random), random };
      });
    };
  });

  describe(stylesFor.name, () => {
    const sut = stylesFor;

    it('gives every digit the slant, pen and size styles, and each shape edit only to its digit', () => {
      const shapes = (label: number) => sut(label).filter((style) => sut(3).indexOf(style) < 0);
      expect(sut(3)).toEqual(['slant-left', 'slant-right', 'upright', 'thin-pen', 'thick-pen', 'small', 'large']);
      expect(shapes(0)).toEqual([]);
      expect(shapes(1)).toEqual(['one-flag', 'one-flag-foot']);
      expect(shapes(2)).toEqual(['two-loop', 'two-tail']);
      expect(shapes(4)).toEqual(['four-open', 'four-closed']);
      expect(shapes(7)).toEqual(['seven-crossbar']);
      expect(shapes(8)).toEqual(['eight-flat-slanted']);
      expect(shapes(9)).toEqual(['nine-straight']);
    });

    it('names 12–16 styles, each of which some digit admits', () => {
      expect(new Set(WRITING_STYLES).size).toBe(WRITING_STYLES.length);
      expect(WRITING_STYLES.length).toBeGreaterThanOrEqual(12);
      expect(WRITING_STYLES.length).toBeLessThanOrEqual(16);
      const admitted = new Set(Array.from({ length: 10 }, (_, label) => sut(label)).flat());
      expect([...admitted].sort()).toEqual([...WRITING_STYLES].sort());
    });
  });

  describe(applyWritingStyle.name, () => {
    const sut = applyWritingStyle;

    it('leaves a digit that a style does not concern as it was, and never changes a label or the input', () => {
      const [{ digit }] = drawn(3, 1);
      const before = structuredClone(digit);
      expect(sut(digit, 'seven-crossbar', new SeededRandom(1))).toEqual(before);
      for (const style of stylesFor(3)) {
        const styled = sut(digit, style, new SeededRandom(1));
        expect(styled).toMatchObject({ label: 3, source: digit.source });
        expect(digit).toEqual(before);
      }
    });

    it('keeps all the ink of every style inside the canvas, with a margin', () => {
      for (const label of [1, 2, 4, 7, 8, 9, 0]) {
        for (const { digit, random } of drawn(label, 6)) {
          for (const style of stylesFor(label)) {
            const styled = sut(digit, style, random);
            const ink = inkBounds(styled);
            expect(Math.min(ink.left, ink.top)).toBeGreaterThanOrEqual(STYLE_MARGIN - 0.1);
            expect(Math.max(ink.right, ink.bottom)).toBeLessThanOrEqual(CANVAS_SIZE - STYLE_MARGIN + 0.1);
            for (const stroke of styled.strokes) expect(stroke.length).toBeGreaterThanOrEqual(2);
          }
        }
      }
    });

    it('gives the same digit for the same seed', () => {
      const [{ digit }] = drawn(4, 1);
      for (const style of stylesFor(4)) {
        expect(sut(digit, style, new SeededRandom(5))).toEqual(sut(digit, style, new SeededRandom(5)));
      }
      expect(sut(digit, 'four-open', new SeededRandom(5))).not.toEqual(sut(digit, 'four-open', new SeededRandom(6)));
    });

    it('sets the pen, the size and the slant each style names', () => {
      for (const { digit, random } of drawn(5, 8)) {
        expect(sut(digit, 'thin-pen', random).penWidth).toBeLessThanOrEqual(THIN_PEN.max);
        expect(sut(digit, 'thick-pen', random).penWidth).toBeGreaterThanOrEqual(THICK_PEN.min);
        const height = (d: DrawnDigit) => inkBounds(d).bottom - inkBounds(d).top;
        expect(height(sut(digit, 'small', random))).toBeLessThanOrEqual(SMALL_HEIGHT.max + 1);
        expect(height(sut(digit, 'large', random))).toBeGreaterThanOrEqual(LARGE_HEIGHT.min - 1);
        expect(Math.abs(slantOf(sut(digit, 'upright', random).strokes))).toBeLessThan(0.02);
        expect(slantOf(sut(digit, 'slant-right', random).strokes)).toBeGreaterThan(0.2);
        expect(slantOf(sut(digit, 'slant-left', random).strokes)).toBeLessThan(-0.15);
      }
    });

    it('adds a lead-in flag of at least a third of the stem to a 1, and a level foot with flag-foot', () => {
      for (const { digit, random } of drawn(1, 10)) {
        const height = inkBounds(digit).bottom - inkBounds(digit).top;
        const flagged = sut(digit, 'one-flag', random);
        expect(pathLength(flagged.strokes) - pathLength(digit.strokes)).toBeGreaterThan(0.3 * (height - digit.penWidth));
        const footed = sut(digit, 'one-flag-foot', random);
        const foot = footed.strokes[footed.strokes.length - 1];
        const [start, end] = [foot[0], foot[foot.length - 1]];
        expect(end.x - start.x).toBeGreaterThan(0.3 * (height - digit.penWidth));
        expect(Math.abs(end.y - start.y)).toBeLessThan(0.1 * (end.x - start.x));
        expect(Math.max(start.y, end.y)).toBeGreaterThan(inkBounds(footed).bottom - footed.penWidth);
      }
    });

    it('crosses a 7 with a short level bar at mid-height', () => {
      for (const { digit, random } of drawn(7, 10)) {
        const styled = sut(digit, 'seven-crossbar', random);
        expect(styled.strokes).toHaveLength(digit.strokes.length + 1);
        const bar = styled.strokes[styled.strokes.length - 1];
        const ink = inkBounds(styled);
        const middle = (bar[0].y + bar[bar.length - 1].y) / 2;
        expect((middle - ink.top) / (ink.bottom - ink.top)).toBeGreaterThan(0.35);
        expect((middle - ink.top) / (ink.bottom - ink.top)).toBeLessThan(0.65);
        expect(Math.abs(bar[bar.length - 1].y - bar[0].y)).toBeLessThan(0.15 * (bar[bar.length - 1].x - bar[0].x));
      }
    });

    it("opens a 4's top, its two upper strokes apart, and closes it, both starting at the apex", () => {
      for (const { digit, random } of drawn(4, 10)) {
        const height = inkBounds(digit).bottom - inkBounds(digit).top;
        const open = sut(digit, 'four-open', random).strokes;
        const closed = sut(digit, 'four-closed', random).strokes;
        expect(open).toHaveLength(2);
        expect(Math.hypot(open[0][0].x - open[1][0].x, open[0][0].y - open[1][0].y)).toBeGreaterThan(0.15 * height);
        expect(Math.hypot(closed[0][0].x - closed[1][0].x, closed[0][0].y - closed[1][0].y)).toBeLessThan(0.05 * height);
      }
    });

    it("puts a 9's loop on a straight stem, a 2's base on a long tail, and flattens and slants an 8", () => {
      const nines = drawn(9, 10).map(({ digit, random }) => sut(digit, 'nine-straight', random));
      // A 9 written without a closed loop has no loop to keep and stays as written.
      const stems = nines.map((nine) => nine.strokes[nine.strokes.length - 1]).filter((stem) => stem.length > 2);
      expect(stems.length).toBeGreaterThanOrEqual(8);
      for (const stem of stems) expect(bowOf(stem)).toBeLessThan(0.05 * Math.abs(stem[stem.length - 1].y - stem[0].y));

      for (const { digit, random } of drawn(2, 10)) {
        const width = (d: DrawnDigit) => inkBounds(d).right - inkBounds(d).left;
        expect(width(sut(digit, 'two-tail', random))).toBeGreaterThan(1.25 * width(digit));
      }
      for (const { digit, random } of drawn(8, 10)) {
        const aspect = (d: DrawnDigit) => (inkBounds(d).bottom - inkBounds(d).top) / (inkBounds(d).right - inkBounds(d).left);
        const flat = sut(digit, 'eight-flat-slanted', random);
        expect(aspect(flat)).toBeLessThan(aspect(digit));
        expect(slantOf(flat.strokes)).toBeGreaterThan(0.4);
      }
    });

    it('loops the 2s written without a loop, adding a round of pen where the diagonal meets the base', () => {
      const twos = drawn(2, 20).map(({ digit, random }) => ({ digit, styled: sut(digit, 'two-loop', random) }));
      // 2s whose writer looped them already are left as written.
      const looped = twos.filter(({ digit, styled }) => styled.strokes.flat().length !== digit.strokes.flat().length);
      expect(looped.length).toBeGreaterThanOrEqual(12);
      for (const { digit, styled } of looped) {
        const height = inkBounds(digit).bottom - inkBounds(digit).top - digit.penWidth;
        expect(pathLength(styled.strokes)).toBeGreaterThan(pathLength(digit.strokes) + 0.15 * height);
      }
    });

    it('renders every style into a canvas that preprocesses to a 28×28 digit', async () => {
      for (const style of WRITING_STYLES) {
        const [digit] = generateStyledDigits(mnist, 1, 3, [style]);
        const { pixels, empty } = await preprocessImage(await renderDrawnDigit(digit));
        expect(empty).toBe(false);
        expect(pixels).toHaveLength(28 * 28);
        expect(pixels.filter((v) => v > 0.5).length).toBeGreaterThan(20);
      }
    });
  });

  describe(generateStyledDigits.name, () => {
    const sut = generateStyledDigits;

    it('spreads each label over the styles it admits, each digit from a different source of that label', () => {
      const digits = sut(mnist, 140, 1);
      for (const digit of digits) {
        expect(mnist.labels[digit.source]).toBe(digit.label);
        expect(stylesFor(digit.label)).toContain(digit.style);
      }
      expect(new Set(digits.map((d) => d.source)).size).toBe(digits.length);
      for (let label = 0; label < 10; label++) {
        const counts = stylesFor(label).map((style) => digits.filter((d) => d.label === label && d.style === style).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }
    });

    it('draws only the digits the chosen styles concern', () => {
      const styles: WritingStyle[] = ['four-open', 'seven-crossbar'];
      const digits = sut(mnist, 9, 1, styles);
      expect(digits.map((d) => d.label)).toEqual([4, 7, 4, 7, 4, 7, 4, 7, 4]);
      expect(digits.map((d) => d.style)).toEqual(digits.map((d) => (d.label === 4 ? 'four-open' : 'seven-crossbar')));
    });

    it('gives the same digits for the same seed, and others for another', () => {
      expect(sut(mnist, 20, 7)).toEqual(sut(mnist, 20, 7));
      expect(sut(mnist, 20, 8)).not.toEqual(sut(mnist, 20, 7));
    });
  });
});
