import sharp from 'sharp';
import { bundledMnistDir, readMnistSplit } from '@live-digits/digit-data/mnist/mnist-files';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../model/model-contract';
import { encodePreviewPng, imageBytesFrom, PreprocessError, preprocessImage, SHRINK_SIDE } from './preprocess';

/** A "2" as a canvas pen would draw it: one round-capped stroke, drawn at (dx, dy) from its home, scaled by `size`. */
function two({ width = 24, colour = 'black', dx = 0, dy = 0, size = 1 } = {}): string {
  const d = 'M150 100 C 250 80, 260 160, 200 200 S 120 320, 260 300';
  return `<path transform="translate(${dx} ${dy}) scale(${size})" d="${d}" fill="none" stroke="${colour}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"/>`;
}

async function canvas(body: string, { background = 'none', format = 'png' as 'png' | 'jpeg' | 'webp', size = 400 } = {}) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${background}"/>${body}</svg>`;
  return sharp(Buffer.from(svg))[format]().toBuffer();
}

function centreOfMass(pixels: Float32Array): { x: number; y: number } {
  let mass = 0,
    x = 0,
    y = 0;
  pixels.forEach((value, i) => {
    mass += value;
    x += value * (i % IMAGE_SIDE);
    y += value * Math.floor(i / IMAGE_SIDE);
  });
  return { x: x / mass, y: y / mass };
}

/** Width and height of the pixels holding any ink. */
function inkExtent(pixels: Float32Array): { width: number; height: number } {
  const xs: number[] = [],
    ys: number[] = [];
  pixels.forEach((value, i) => {
    if (value === 0) return;
    xs.push(i % IMAGE_SIDE);
    ys.push(Math.floor(i / IMAGE_SIDE));
  });
  return { width: Math.max(...xs) - Math.min(...xs) + 1, height: Math.max(...ys) - Math.min(...ys) + 1 };
}

function meanDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + Math.abs(value - b[i]), 0) / a.length;
}

function expectMnistShaped(pixels: Float32Array) {
  expect(pixels).toHaveLength(IMAGE_PIXELS);
  expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
  expect(Math.max(...pixels)).toBeGreaterThan(0.9);
  // MNIST's conventions: centre of mass on pixel (14, 14) to within the whole-pixel shift, longest side 20 px.
  const centre = centreOfMass(pixels);
  expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
  const extent = inkExtent(pixels);
  expect(Math.max(extent.width, extent.height)).toBe(20);
}

async function expectRefused(promise: Promise<unknown>, code: string, message: RegExp) {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PreprocessError);
  expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
}

describe(preprocessImage.name, () => {
  const sut = preprocessImage;
  let reference: Float32Array;

  beforeAll(async () => {
    reference = (await sut(await canvas(two()))).pixels;
  });

  it('turns black ink on a transparent canvas into white ink on black, MNIST-shaped', async () => {
    const result = await sut(await canvas(two()));
    expect(result.empty).toBe(false);
    expect(result).toMatchObject({ width: 400, height: 400 });
    expectMnistShaped(result.pixels);
    // The ink is taller than wide, so its height is the side scaled to 20 px.
    expect(inkExtent(result.pixels).height).toBe(20);
  });

  it('reports the ink box in source pixels', async () => {
    // A filled rectangle from (100, 40) to (159, 239): its box is exact.
    const result = await sut(await canvas('<rect x="100" y="40" width="60" height="200" fill="black"/>'));
    expect(result.inkBox).toEqual({ x: 100, y: 40, width: 60, height: 200 });
    expect(inkExtent(result.pixels)).toEqual({ width: 6, height: 20 }); // 60 × 200 keeps its 3 : 10 aspect ratio
  });

  it('reads dark ink on white the same as on a transparent canvas', async () => {
    const result = await sut(await canvas(two(), { background: 'white' }));
    expectMnistShaped(result.pixels);
    expect(meanDifference(result.pixels, reference)).toBeLessThan(0.01);
  });

  it('reads light ink on a dark background as ink', async () => {
    const result = await sut(await canvas(two({ colour: 'white' }), { background: 'black' }));
    expectMnistShaped(result.pixels);
    expect(meanDifference(result.pixels, reference)).toBeLessThan(0.01);
  });

  it('reads a white pen on a transparent canvas by its coverage', async () => {
    const result = await sut(await canvas(two({ colour: 'white' })));
    expect(meanDifference(result.pixels, reference)).toBeLessThan(0.01);
  });

  it('reads a grey pen on a grey page like a black pen on white', async () => {
    const result = await sut(await canvas(two({ colour: '#555' }), { background: '#ccc' }));
    expect(meanDifference(result.pixels, reference)).toBeLessThan(0.02);
  });

  it('gives the same 28×28 wherever the digit sits on the canvas', async () => {
    const corner = await sut(await canvas(two({ dx: -130, dy: -80 })));
    const otherCorner = await sut(await canvas(two({ dx: 110, dy: 80 })));
    expect(corner.inkBox?.x).toBeLessThan(20);
    expect(otherCorner.inkBox!.x + otherCorner.inkBox!.width).toBeGreaterThan(370);
    expect(corner.pixels).toEqual(reference);
    expect(otherCorner.pixels).toEqual(reference);
  });

  it('enlarges a tiny digit to the 20 px box', async () => {
    const result = await sut(await canvas(two({ size: 0.05, width: 40 })));
    expect(result.inkBox!.height).toBeLessThan(15);
    expectMnistShaped(result.pixels);
  });

  it('keeps thin and thick strokes as strokes, at full white, thicker ink for a thicker pen', async () => {
    const thin = await sut(await canvas(two({ width: 4 })));
    const thick = await sut(await canvas(two({ width: 48 })));
    expectMnistShaped(thin.pixels);
    expectMnistShaped(thick.pixels);
    const ink = (pixels: Float32Array) => pixels.reduce((sum, value) => sum + value, 0);
    expect(ink(thin.pixels)).toBeLessThan(ink(reference));
    expect(ink(thick.pixels)).toBeGreaterThan(ink(reference));
  });

  it.each([
    ['a transparent canvas', canvas('')],
    ['a white canvas', canvas('', { background: 'white' })],
    ['a canvas with a few stray pixels', canvas('<rect x="200" y="200" width="2" height="2"/>')],
    ['a page too faint to hold ink', canvas('<rect x="100" y="100" width="200" height="200" fill="#f4f4f4"/>', { background: 'white' })],
  ])('calls %s empty: no digit, no guess', async (_name, image) => {
    const result = await sut(await image);
    expect(result).toMatchObject({ empty: true, inkBox: null, width: 400, height: 400 });
    expect(result.pixels).toEqual(new Float32Array(IMAGE_PIXELS));
  });

  it('accepts JPEG, its compression noise aside', async () => {
    const result = await sut(await canvas(two(), { background: 'white', format: 'jpeg' }));
    expectMnistShaped(result.pixels);
    expect(meanDifference(result.pixels, reference)).toBeLessThan(0.03);
  });

  it('accepts WebP', async () => {
    const result = await sut(await canvas(two(), { format: 'webp' }));
    expect(meanDifference(result.pixels, reference)).toBeLessThan(0.03);
  });

  it('leaves an MNIST digit, already white on black and centred, much as it was', async () => {
    const { images } = readMnistSplit(bundledMnistDir(), 't10k');
    for (const index of [0, 1, 2, 3, 4]) {
      const digit = images.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
      const png = await sharp(Buffer.from(digit), { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1 } })
        .png()
        .toBuffer();
      const result = await sut(png);
      expect(
        meanDifference(
          result.pixels,
          Float32Array.from(digit, (value) => value / 255),
        ),
      ).toBeLessThan(0.05);
    }
  });

  it('refuses data that is not an image', async () => {
    await expectRefused(sut(Buffer.from('hello, this is not a picture')), 'INVALID_IMAGE', /not a PNG, JPEG or WebP/);
    await expectRefused(sut(new Uint8Array(0)), 'INVALID_IMAGE', /empty/);
  });

  it('refuses image formats other than PNG, JPEG and WebP', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expectRefused(sut(svg), 'INVALID_IMAGE', /SVG; only PNG, JPEG and WebP/);
    const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: 'white' } })
      .gif()
      .toBuffer();
    await expectRefused(sut(gif), 'INVALID_IMAGE', /GIF/);
  });

  it('refuses a truncated PNG', async () => {
    const png = await canvas(two(), { background: 'white' });
    await expectRefused(sut(png.subarray(0, png.length >> 1)), 'INVALID_IMAGE', /truncated or corrupt/);
  });

  it('refuses an image larger than the dimension limits before decoding it', async () => {
    // 5000 × 5000 of one colour compresses to a few kilobytes: a small decompression bomb.
    const bomb = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: 'white' } })
      .png()
      .toBuffer();
    expect(bomb.length).toBeLessThan(100_000);
    await expectRefused(sut(bomb), 'IMAGE_TOO_LARGE', /5000×5000 pixels, larger than the 2048×2048/);
    await expectRefused(sut(await canvas(two()), { maxWidth: 300 }), 'IMAGE_TOO_LARGE', /400×400 pixels, larger than the 300×2048/);
  });

  it('refuses a PNG whose chunks end early: no IEND, or cut inside IDAT (libpng decodes both without complaint)', async () => {
    const png = await canvas(two(), { background: 'white' });
    await expectRefused(sut(png.subarray(0, png.length - 12)), 'INVALID_IMAGE', /without an IEND chunk/);
    await expectRefused(sut(png.subarray(0, png.length - 16)), 'INVALID_IMAGE', /cut off inside its IDAT chunk/);
  });

  it('refuses a decode over the budget from the header: 16-bit samples at the side limit', async () => {
    const deep = await sharp({ create: { width: 2048, height: 2048, channels: 4, background: 'white' } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    await expectRefused(sut(deep), 'IMAGE_TOO_LARGE', /decode to 34 MB \(2048×2048 pixels of 8 bytes\), more than the 17 MB allowed/);
  });

  it('calls an image above sharp’s own pixel limit too large, not invalid', async () => {
    const huge = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="30000" height="30000"/>');
    await expectRefused(sut(huge), 'IMAGE_TOO_LARGE', /30000×30000 pixels/);
  });

  it('shrinks a large JPEG while decoding, and still finds the same digit', async () => {
    const small = await sut(await canvas(two(), { background: 'white', format: 'jpeg', size: 400 }));
    const large = await sut(await canvas(two({ size: 5, width: 120 }), { background: 'white', format: 'jpeg', size: 2000 }));
    expect(large.width).toBeLessThanOrEqual(SHRINK_SIDE);
    expect(large.empty).toBe(false);
    expect(centreOfMass(large.pixels).x).toBeCloseTo(centreOfMass(small.pixels).x, 0);
  });

  it('refuses more bytes than allowed', async () => {
    const png = await canvas(two());
    await expectRefused(sut(png, { maxBytes: 100 }), 'IMAGE_TOO_LARGE', new RegExp(`${png.length} bytes, more than the 100 bytes`));
  });
});

describe(imageBytesFrom.name, () => {
  const sut = imageBytesFrom;
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

  it.each([
    ['a Buffer', bytes],
    ['a Uint8Array', new Uint8Array(bytes)],
    ['an ArrayBuffer', new Uint8Array(bytes).buffer],
    ['a data URL', `data:image/png;base64,${bytes.toString('base64')}`],
    ['bare base64', bytes.toString('base64')],
    ['base64 with line breaks', `${bytes.toString('base64').slice(0, 4)}\n${bytes.toString('base64').slice(4)}`],
  ])('reads %s', (_name, payload) => {
    expect(sut(payload)).toEqual(bytes);
  });

  it('refuses base64 text holding more than the byte limit before decoding it', () => {
    expect(() => sut('A'.repeat(4000), 2000)).toThrow(/3000 bytes, more than the 2000 bytes allowed/);
    expect(sut(`data:image/jpg;base64,${bytes.toString('base64')}`, 2000)).toEqual(bytes);
  });

  it('leaves judging the bytes to preprocessImage: nothing in, nothing out', () => {
    expect(sut('')).toEqual(Buffer.alloc(0));
    expect(sut(Buffer.alloc(0))).toEqual(Buffer.alloc(0));
  });

  it.each([
    ['garbage base64', 'this is not base64!', /neither a data URL nor valid base64/],
    ['a data URL that is not base64', 'data:image/png,%89PNG', /must be base64-encoded/],
    ['a data URL of another type', `data:text/html;base64,${bytes.toString('base64')}`, /declares "text\/html"; it must be image\/png/],
  ])('refuses %s as INVALID_IMAGE', (_name, payload, message) => {
    expect(() => sut(payload)).toThrow(PreprocessError);
    expect(() => sut(payload)).toThrow(message);
  });
});

describe(encodePreviewPng.name, () => {
  it('writes the 28×28 as an 8-bit greyscale PNG', async () => {
    const pixels = Float32Array.from({ length: IMAGE_PIXELS }, (_, i) => (i % IMAGE_SIDE) / (IMAGE_SIDE - 1));
    const png = await encodePreviewPng(pixels);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: IMAGE_SIDE, height: IMAGE_SIDE });
    expect(data[27 * info.channels]).toBe(255);
    expect(data[0]).toBe(0);
  });
});
