import { fitInSquare, toInk } from './image-ink';

/** A width × height RGBA image of one colour, with `ink` painted at the pixels listed. */
function image(width: number, height: number, background: number[], ink: number[], at: number[]): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set(at.includes(i) ? ink : background, i * 4);
  return rgba;
}

const alphas = (rgba: Uint8ClampedArray) => Array.from(rgba.filter((_, i) => i % 4 === 3));
const colours = (rgba: Uint8ClampedArray) => Array.from(rgba.filter((_, i) => i % 4 !== 3));

describe(fitInSquare.name, () => {
  it('makes the longer side fill the square and centres the shorter one', () => {
    expect(fitInSquare(300, 150, 800)).toEqual({ x: 0, y: 200, width: 800, height: 400 });
    expect(fitInSquare(28, 56, 800)).toEqual({ x: 200, y: 0, width: 400, height: 800 });
    expect(fitInSquare(400, 400, 800)).toEqual({ x: 0, y: 0, width: 800, height: 800 });
  });

  it('never gives a side of 0 pixels', () => {
    expect(fitInSquare(5000, 1, 800)).toEqual({ x: 0, y: 400, width: 800, height: 1 });
  });
});

describe(toInk.name, () => {
  // 3 × 3 images; pixel 4 is the centre, the rest is the border.
  it('keeps the painted pixels of a transparent canvas as ink, whatever their colour', () => {
    const sut = image(3, 3, [0, 0, 0, 0], [255, 255, 255, 200], [4]);

    toInk(sut, 3, 3);

    expect(alphas(sut)).toEqual([0, 0, 0, 0, 200, 0, 0, 0, 0]);
    expect(colours(sut).every((c) => c === 0)).toBe(true);
  });

  it('reads dark ink on light paper as ink, measured from the paper', () => {
    const sut = image(3, 3, [240, 240, 240, 255], [40, 40, 40, 255], [4]);

    toInk(sut, 3, 3);

    expect(alphas(sut)).toEqual([0, 0, 0, 0, 200, 0, 0, 0, 0]);
  });

  it('reads a light pen on a dark background (an MNIST image) as ink', () => {
    const sut = image(3, 3, [0, 0, 0, 255], [255, 255, 255, 255], [4]);

    toInk(sut, 3, 3);

    expect(alphas(sut)).toEqual([0, 0, 0, 0, 255, 0, 0, 0, 0]);
  });
});
