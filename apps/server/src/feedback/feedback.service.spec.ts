import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { LABELS_FILE, readLabelledFolder } from '@live-digits/shared/labelled-images/labelled-folder';
import { blankCanvasPng, dataUrl, drawingPng, drawnDigits } from '../../../../test/server/support/drawings';
import { loadConfig } from '../config/app.config';
import { PreprocessService } from '../recognition/preprocess.service';
import { FeedbackService, newFeedbackId } from './feedback.service';

describe(FeedbackService.name, () => {
  let dir: string;
  let sut: FeedbackService;
  let drawing: Buffer;

  beforeAll(async () => {
    drawing = await drawingPng(drawnDigits(1, 3)[0]);
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'feedback-'));
    const config = { ...loadConfig({}), feedbackDir: dir, maxImageBytes: 100_000 };
    sut = new FeedbackService(config, new PreprocessService({ ...config, preprocessWorkers: 0 }));
    await sut.onModuleInit();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores the PNG under a server-made id and a labels.csv line, in the folder format training reads', async () => {
    const first = await sut.store({ image: drawing, label: 3, predicted: 5 });
    const second = await sut.store({ image: dataUrl(drawing), label: 7 });

    expect(first).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    const lines = (await readFile(path.join(dir, LABELS_FILE), 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('file,label,predicted,created');
    expect(lines[1]).toMatch(new RegExp(`^${first}\\.png,3,5,\\d{4}-\\d\\d-\\d\\dT`));
    expect(lines[2]).toMatch(new RegExp(`^${second}\\.png,7,,`));
    expect(await readFile(path.join(dir, `${first}.png`))).toEqual(drawing);

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
    await writeFile(path.join(dir, LABELS_FILE), (await readFile(path.join(dir, LABELS_FILE), 'utf8')) + 'half-a-li');
    await sut.onModuleInit();
    await sut.store({ image: drawing, label: 5 });
    expect((await readLabelledFolder(dir)).map((entry) => entry.label)).toEqual([4, 5]);
    expect((await readLabelledFolder(dir))[0].file).toBe(`${id}.png`);
  });

  it('makes ids that are safe file names', () => {
    expect(newFeedbackId(new Date('2026-01-02T03:04:05.678Z'))).toMatch(/^20260102T030405678Z-[0-9a-f]{8}$/);
  });
});
