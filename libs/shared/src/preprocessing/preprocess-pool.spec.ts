import sharp from 'sharp';
import { PreprocessedNumber, PreprocessError, preprocessNumber } from './preprocess';
import { PreprocessPool } from './preprocess-pool';

function svgPng(body: string, width = 400): Promise<Buffer> {
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="400">${body}</svg>`))
    .png()
    .toBuffer();
}

/** The result with its pixels as plain arrays: typed arrays made on another thread are of another realm. */
function plain(number: PreprocessedNumber) {
  return {
    ...number,
    groups: number.groups.map((readings) => readings.map((digits) => digits.map((d) => ({ ...d, pixels: Array.from(d.pixels) })))),
  };
}

const stroke = (x: number) => `<path d="M${x} 60 L${x} 340" stroke="black" stroke-width="24" stroke-linecap="round"/>`;

describe(PreprocessPool.name, () => {
  let sut: PreprocessPool;
  let drawing: Buffer;

  beforeAll(async () => {
    sut = PreprocessPool.start(2);
    drawing = await svgPng(stroke(200));
  });

  afterAll(() => sut.close());

  it('gives exactly what preprocessNumber gives on this thread', async () => {
    const [inWorker, here] = await Promise.all([sut.preprocess(drawing), preprocessNumber(drawing)]);
    expect(inWorker.empty).toBe(false);
    expect(plain(inWorker)).toEqual(plain(here));
  });

  it('carries every group and every reading of a number across', async () => {
    // Three strokes and a touching pair of rings (offered whole and cut).
    const rings =
      '<ellipse cx="520" cy="200" rx="80" ry="100" fill="none" stroke="black" stroke-width="20"/>' +
      '<ellipse cx="680" cy="200" rx="80" ry="100" fill="none" stroke="black" stroke-width="20"/>';
    const number = await svgPng(stroke(100) + stroke(200) + stroke(300) + rings, 800);
    const [inWorker, here] = await Promise.all([sut.preprocess(number), preprocessNumber(number)]);
    expect(inWorker.groups).toHaveLength(4);
    expect(inWorker.groups[3].length).toBeGreaterThan(1);
    expect(plain(inWorker)).toEqual(plain(here));
  });

  it('answers many frames at once, each with its own result', async () => {
    const blank = await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sut.preprocess(i % 2 ? blank : drawing)));
    results.forEach((result, i) => expect(result.empty).toBe(i % 2 === 1));
  });

  it('passes on the preprocessing error with its code', async () => {
    await expect(sut.preprocess(Buffer.from('not an image'))).rejects.toBeInstanceOf(PreprocessError);
    await expect(sut.preprocess(drawing, { maxBytes: 100 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    const nine = await svgPng(Array.from({ length: 9 }, (_, i) => stroke(40 + i * 80)).join(''), 800);
    await expect(sut.preprocess(nine)).rejects.toMatchObject({ code: 'TOO_MANY_DIGITS' });
  });
});
