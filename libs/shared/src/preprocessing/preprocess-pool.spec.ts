import sharp from 'sharp';
import { PreprocessError, preprocessImage } from './preprocess';
import { PreprocessPool } from './preprocess-pool';

describe(PreprocessPool.name, () => {
  let sut: PreprocessPool;
  let drawing: Buffer;

  beforeAll(async () => {
    sut = PreprocessPool.start(2);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><path d="M200 60 L200 340" stroke="black" stroke-width="24" stroke-linecap="round"/></svg>`;
    drawing = await sharp(Buffer.from(svg)).png().toBuffer();
  });

  afterAll(() => sut.close());

  it('gives exactly what preprocessImage gives on this thread', async () => {
    const [inWorker, here] = await Promise.all([sut.preprocess(drawing), preprocessImage(drawing)]);
    expect(inWorker.empty).toBe(false);
    expect(inWorker.inkBox).toEqual(here.inkBox);
    expect(Array.from(inWorker.pixels)).toEqual(Array.from(here.pixels));
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
  });
});
