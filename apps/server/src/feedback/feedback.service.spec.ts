import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import sharp from 'sharp';
import { CANVAS_SIZE } from '@live-digits/shared';
import { processLabelsFile, readLabelledFolder } from '@live-digits/shared/labelled-images/labelled-folder';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from '../../../../test/server/support/drawings';
import { AppConfig, loadConfig } from '../config/app.config';
import { PreprocessService } from '../recognition/preprocess.service';
import { FeedbackService, newFeedbackId } from './feedback.service';

/** The chunk types of a PNG, in order. */
function pngChunks(png: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 8; offset + 8 <= png.length;) {
    const length = png.readUInt32BE(offset);
    types.push(png.toString('latin1', offset + 4, offset + 8));
    offset += 12 + length;
  }
  return types;
}

/** `png` with a private ancillary chunk of `size` bytes inserted after IHDR. */
function withPrivateChunk(png: Buffer, size: number): Buffer {
  const data = Buffer.alloc(size, 0x5a);
  const chunk = Buffer.alloc(12 + size);
  chunk.writeUInt32BE(size, 0);
  chunk.write('prVt', 4, 'latin1');
  data.copy(chunk, 8);
  // The CRC is not checked by decoders for ancillary chunks they do not know; write zeros.
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

describe(FeedbackService.name, () => {
  let dir: string;
  let sut: FeedbackService;
  let drawing: Buffer;
  const labelsFile = processLabelsFile();

  function build(overrides: Partial<AppConfig> = {}): FeedbackService {
    const config = { ...loadConfig({}), feedbackDir: dir, maxImageBytes: 2_000_000, ...overrides };
    return new FeedbackService(config, new PreprocessService({ ...config, preprocessWorkers: 0 }));
  }

  beforeAll(async () => {
    Logger.overrideLogger(false); // refusals are logged on purpose; a passing run prints nothing
    drawing = await drawingPng(drawnDigits(1, 3)[0]);
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'feedback-'));
    sut = build({ maxImageBytes: 100_000 });
    await sut.onModuleInit();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("stores the PNG under a server-made id and a line in this process's labels file, in the folder format training reads", async () => {
    const first = await sut.store({ image: drawing, label: 3, predicted: 5 });
    const second = await sut.store({ image: dataUrl(drawing), label: 7 });

    expect(first).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    expect(labelsFile).toBe(`labels-${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}.csv`);
    const lines = (await readFile(path.join(dir, labelsFile), 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('file,label,predicted,created');
    expect(lines[1]).toMatch(new RegExp(`^${first}\\.png,3,5,\\d{4}-\\d\\d-\\d\\dT`));
    expect(lines[2]).toMatch(new RegExp(`^${second}\\.png,7,,`));
    // The same pixels, re-encoded.
    const [stored, sent] = await Promise.all([
      sharp(path.join(dir, `${first}.png`))
        .raw()
        .toBuffer(),
      sharp(drawing).raw().toBuffer(),
    ]);
    expect(stored.equals(sent)).toBe(true);

    const read = await readLabelledFolder(dir);
    expect(read.map(({ file, label }) => ({ file, label }))).toEqual([
      { file: `${first}.png`, label: 3 },
      { file: `${second}.png`, label: 7 },
    ]);
  });

  it('stores a JPEG as a PNG', async () => {
    const jpeg = await sharp(drawing).flatten({ background: 'white' }).jpeg().toBuffer();
    const id = await sut.store({ image: jpeg, label: 1 });
    expect((await sharp(path.join(dir, `${id}.png`)).metadata()).format).toBe('png');
  });

  it('refuses what is not a usable drawing, and stores nothing', async () => {
    await expect(sut.store({ image: await blankCanvasPng(), label: 1 })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(sut.store({ image: Buffer.from('not an image'), label: 1 })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(sut.store({ image: Buffer.alloc(100_001), label: 1 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps every line when many stores run at once', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => sut.store({ image: drawing, label: i % 10 })));
    expect(new Set(ids).size).toBe(20);
    const read = await readLabelledFolder(dir);
    expect(read.map((entry) => entry.file).sort()).toEqual(ids.map((id) => `${id}.png`).sort());
  });

  it('trims a half-written last line left by a crash, keeping the lines before it', async () => {
    const id = await sut.store({ image: drawing, label: 4 });
    await writeFile(path.join(dir, labelsFile), (await readFile(path.join(dir, labelsFile), 'utf8')) + 'half-a-li');
    await sut.onModuleInit();
    await sut.store({ image: drawing, label: 5 });
    expect((await readLabelledFolder(dir)).map((entry) => entry.label)).toEqual([4, 5]);
    expect((await readLabelledFolder(dir))[0].file).toBe(`${id}.png`);
  });

  it('stores a re-encoded PNG: a private chunk the client added does not survive', async () => {
    const padded = withPrivateChunk(drawing, 990_000);
    expect(pngChunks(padded)).toContain('prVt');
    const id = await build().store({ image: padded, label: 2 });
    const stored = await readFile(path.join(dir, `${id}.png`));
    expect(pngChunks(stored).filter((type) => !['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'].includes(type))).toEqual([]);
    expect(stored.length).toBeLessThan(drawing.length * 2);
  });

  it('refuses an image larger than the canvas with IMAGE_TOO_LARGE', async () => {
    const wide = await sharp(drawing)
      .resize(CANVAS_SIZE + 1, CANVAS_SIZE)
      .png()
      .toBuffer();
    await expect(build().store({ image: wide, label: 1 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses with STORAGE_FULL once the folder holds FEEDBACK_MAX_ITEMS drawings', async () => {
    const limited = build({ feedbackMaxItems: 3 });
    for (let i = 0; i < 3; i++) await limited.store({ image: drawing, label: i });
    await expect(limited.store({ image: drawing, label: 3 })).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    // A new process counts what is already there.
    await expect(build({ feedbackMaxItems: 3 }).store({ image: drawing, label: 3 })).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    expect((await readLabelledFolder(dir)).map((entry) => entry.label)).toEqual([0, 1, 2]);
  });

  it('refuses with STORAGE_FULL before the folder passes FEEDBACK_MAX_BYTES', async () => {
    const id = await sut.store({ image: drawing, label: 0 });
    const { size } = await stat(path.join(dir, `${id}.png`));
    const used = (await Promise.all((await readdir(dir)).map((name) => stat(path.join(dir, name))))).reduce((sum, s) => sum + s.size, 0);
    const limited = build({ feedbackMaxBytes: used + size + 10 }); // room for one more, not two
    await limited.store({ image: drawing, label: 1 });
    await expect(limited.store({ image: drawing, label: 2 })).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    expect((await readLabelledFolder(dir)).map((entry) => entry.label)).toEqual([0, 1]);
  });

  it('makes ids that are safe file names', () => {
    expect(newFeedbackId(new Date('2026-01-02T03:04:05.678Z'))).toMatch(/^20260102T030405678Z-[0-9a-f]{8}$/);
  });
});
