import sharp from 'sharp';
import { IMAGE_PIXELS, IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import { PreprocessPool } from '@live-digits/shared/preprocessing/preprocess-pool';
import * as preprocessing from '@live-digits/shared/preprocessing/preprocess';
import { MAX_DIGITS } from '@live-digits/shared';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from '../../../../test/server/support/drawings';
import { numberPng } from '../../../../test/server/support/numbers';
import { loadConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';
import { PreprocessedNumber, PreprocessService } from './preprocess.service';

describe(PreprocessService.name, () => {
  const sut = new PreprocessService({ ...loadConfig({}), maxImageBytes: 200_000, maxImageSide: 1000 });
  afterAll(() => sut.onApplicationShutdown());
  let drawing: Buffer;

  beforeAll(async () => {
    drawing = await drawingPng(drawnDigits(1, 7)[0]);
  });

  it('turns a canvas PNG into the 28×28 model input: values in [0, 1] with an ink box, from bytes or a data URL', async () => {
    for (const image of [drawing, dataUrl(drawing), drawing.toString('base64')]) {
      const result = await sut.preprocess(sut.imageBytes(image));
      expect(result.empty).toBe(false);
      expect(result.groups).toHaveLength(1);
      const [{ pixels, box }] = result.groups[0][0];
      expect(pixels).toHaveLength(IMAGE_PIXELS);
      expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
      expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0);
      expect(box.width).toBeGreaterThan(0);
    }
  });

  it('reads every digit of a number, left to right', async () => {
    const digits = drawnDigits(3, 5);
    const result = await sut.preprocess(await numberPng(digits));
    expect(result.groups).toHaveLength(3);
    const lefts = result.groups.map((readings) => readings[0][0].box.x);
    expect([...lefts].sort((a, b) => a - b)).toEqual(lefts);
  });

  it('reports an untouched canvas as empty', async () => {
    const result = await sut.preprocess(sut.imageBytes(await blankCanvasPng()));
    expect(result).toMatchObject({ empty: true, groups: [] });
  });

  it('refuses more than MAX_DIGITS digits as TOO_MANY_DIGITS', async () => {
    const ones = Array.from(
      { length: MAX_DIGITS + 1 },
      (_, i) => `<path d="M${40 + i * 80} 100 L${40 + i * 80} 300" stroke="black" stroke-width="16"/>`,
    );
    const png = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400">${ones.join('')}</svg>`))
      .png()
      .toBuffer();
    const refused = await sut.preprocess(png).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientError);
    expect(refused).toMatchObject({ code: 'TOO_MANY_DIGITS', message: expect.stringContaining('at most 8 digits') });
  });

  it('gives the 28×28 preview as a PNG data URL', async () => {
    const [{ pixels }] = (await sut.preprocess(drawing)).groups[0][0];
    const url = await sut.previewDataUrl(pixels);
    expect(url).toMatch(/^data:image\/png;base64,/);
    const meta = await sharp(Buffer.from(url.split(',')[1], 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([IMAGE_SIDE, IMAGE_SIDE]);
  });

  it('refuses text that is not base64 as INVALID_IMAGE, and bytes over the limit as IMAGE_TOO_LARGE before decoding', async () => {
    expect(() => sut.imageBytes('hello, world!')).toThrow(expect.objectContaining({ code: 'INVALID_IMAGE' }) as ClientError);
    await expect(sut.preprocess(sut.imageBytes(Buffer.alloc(200_001, 1)))).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: 'The image is 200001 bytes, more than the 200000 bytes allowed.',
    });
  });

  it('refuses bytes that are not an image, a truncated PNG, and a picture over the side limit', async () => {
    await expect(sut.preprocess(Buffer.from('definitely not a png'))).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(sut.preprocess(drawing.subarray(0, drawing.length / 2))).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    const wide = await sharp({ create: { width: 1001, height: 10, channels: 3, background: 'white' } })
      .png()
      .toBuffer();
    await expect(sut.preprocess(wide)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('1001×10') });
    await expect(sut.preprocess(wide)).rejects.toBeInstanceOf(ClientError);
  });

  describe('with a thread pool', () => {
    const pooled = new PreprocessService({ ...loadConfig({}), maxImageSide: 1000, preprocessWorkers: 1 });
    afterAll(() => pooled.onApplicationShutdown());
    afterEach(() => jest.restoreAllMocks());

    it('preprocesses a lone frame in-process and overlapping frames on the pool, with the same results', async () => {
      const onPool = jest.spyOn(PreprocessPool.prototype, 'preprocess');
      const images = await Promise.all(drawnDigits(4, 3).map((digit) => drawingPng(digit)));
      const alone = await pooled.preprocess(images[0]);
      expect(onPool).not.toHaveBeenCalled();

      const together = await Promise.all(images.map((image) => pooled.preprocess(image)));
      expect(onPool).toHaveBeenCalledTimes(images.length - 1);
      // Arrays from a thread belong to another realm: compare their values.
      const plain = ({ groups, ...rest }: PreprocessedNumber) => ({
        ...rest,
        groups: groups.map((readings) => readings.map((digits) => digits.map((digit) => ({ ...digit, pixels: Array.from(digit.pixels) })))),
      });
      expect(plain(together[0])).toEqual(plain(alone));
      for (const [i, image] of images.entries()) expect(plain(together[i])).toEqual(plain(await sut.preprocess(image)));
    });

    it('takes heavy PNGs one at a time, and a canvas frame arriving behind them does not wait for them', async () => {
      // 1100² is over HEAVY_PIXELS: a heavy frame.
      const heavy = await sharp({ create: { width: 1100, height: 1100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .composite([{ input: drawing, left: 300, top: 300 }])
        .png({ compressionLevel: 1 })
        .toBuffer();
      const service = new PreprocessService({ ...loadConfig({}), preprocessWorkers: 1 });
      // How many heavy decodes run at once, on the pool or on this thread.
      let running = 0;
      let most = 0;
      const counted = <A extends [Uint8Array, ...unknown[]], R>(decode: (...args: A) => Promise<R>) =>
        function (this: unknown, ...args: A): Promise<R> {
          if (args[0] !== heavy) return decode.apply(this, args);
          most = Math.max(most, ++running);
          return decode.apply(this, args).finally(() => running--);
        };
      const [poolDecode, threadDecode] = [PreprocessPool.prototype.preprocess, preprocessing.preprocessImage];
      const onPool = jest.spyOn(PreprocessPool.prototype, 'preprocess').mockImplementation(counted(poolDecode));
      const onThisThread = jest.spyOn(preprocessing, 'preprocessImage').mockImplementation(counted(threadDecode));
      try {
        const finished: string[] = [];
        const track = (name: string, work: Promise<unknown>) => work.then(() => finished.push(name));
        const heavies = Array.from({ length: 4 }, (_, i) => track(`heavy ${i}`, service.preprocess(heavy)));
        const light = track('canvas', service.preprocess(drawing));
        await Promise.all([...heavies, light]);
        // Never two heavy decodes at once, wherever they run.
        expect(most).toBe(1);
        // Four 1.2 MP decodes in a row take several times one canvas frame on any machine, however busy.
        expect(finished.indexOf('canvas')).toBeLessThan(3);
        expect(finished.filter((name) => name.startsWith('heavy'))).toEqual(['heavy 0', 'heavy 1', 'heavy 2', 'heavy 3']);
      } finally {
        onPool.mockRestore();
        onThisThread.mockRestore();
        await service.onApplicationShutdown();
      }
    });

    it('answers a bad frame on the pool with its code, and the next frames still work', async () => {
      const results = await Promise.allSettled([
        pooled.preprocess(drawing),
        pooled.preprocess(drawing.subarray(0, 100)),
        pooled.preprocess(drawing),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const refused = (results[1] as PromiseRejectedResult).reason;
      expect(refused).toBeInstanceOf(ClientError);
      expect(refused).toMatchObject({ code: 'INVALID_IMAGE' });
    });
  });
});
