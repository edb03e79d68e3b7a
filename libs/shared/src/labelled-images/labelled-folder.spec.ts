import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  appendLabel,
  FEEDBACK_LABEL_COLUMNS,
  LABELS_FILE,
  LabelledFolderError,
  processLabelsFile,
  readLabelledFolder,
  trimPartialLabelLine,
  writeLabels,
} from './labelled-folder';

describe(readLabelledFolder.name, () => {
  const sut = readLabelledFolder;
  let dir: string;

  /** A folder holding `files` (name → content) and labels.csv. */
  async function folder(csv: string | null, files: Record<string, string> = {}): Promise<string> {
    const target = await mkdtemp(path.join(dir, 'folder-'));
    if (csv !== null) await writeFile(path.join(target, 'labels.csv'), csv);
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(target, name)), { recursive: true });
      await writeFile(path.join(target, name), content);
    }
    return target;
  }

  async function refusal(promise: Promise<unknown>): Promise<LabelledFolderError> {
    const error = await promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LabelledFolderError);
    return error as LabelledFolderError;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'labelled-folder-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the generator's file,label layout, in the CSV's order", async () => {
    const target = await folder('file,label\n00001.png,7\n00000.png,3\n', { '00000.png': 'three', '00001.png': 'seven' });
    expect(await sut(target)).toEqual([
      { file: '00001.png', label: 7, bytes: Buffer.from('seven') },
      { file: '00000.png', label: 3, bytes: Buffer.from('three') },
    ]);
  });

  it("reads the feedback folder's extra columns, CRLF line ends and quoted fields", async () => {
    const csv = 'file,label,predicted,created\r\n"a, b.png",4,9,2025-01-01T10:00:00Z\r\nsub/c.png,0,0,2025-01-01T10:01:00Z\r\n';
    const target = await folder(csv, { 'a, b.png': 'a', 'sub/c.png': 'c' });
    expect((await sut(target)).map(({ file, label }) => ({ file, label }))).toEqual([
      { file: 'a, b.png', label: 4 },
      { file: 'sub/c.png', label: 0 },
    ]);
  });

  it('accepts the columns in any order', async () => {
    const target = await folder('label,file\n5,x.png\n', { 'x.png': 'x' });
    expect(await sut(target)).toEqual([{ file: 'x.png', label: 5, bytes: Buffer.from('x') }]);
  });

  it('refuses a missing folder', async () => {
    const error = await refusal(sut(path.join(dir, 'nowhere')));
    expect(error.message).toMatch(/nowhere: is not a folder/);
  });

  it('refuses a folder without labels.csv', async () => {
    const error = await refusal(sut(await folder(null)));
    expect(error.file).toMatch(/labels\.csv$/);
    expect(error.message).toMatch(/labels\.csv: is missing/);
  });

  it('refuses a header without file and label columns', async () => {
    const error = await refusal(sut(await folder('name,digit\na.png,1\n')));
    expect(error).toMatchObject({
      line: 1,
      message: expect.stringMatching(/line 1: the header "name,digit" must name the columns file and label/),
    });
  });

  it.each([['12'], ['x'], ['-1'], ['']])('refuses the label "%s" with its line', async (label) => {
    const error = await refusal(sut(await folder(`file,label\na.png,1\nb.png,${label}\n`, { 'a.png': 'a', 'b.png': 'b' })));
    expect(error).toMatchObject({ line: 3, message: expect.stringContaining(`line 3: label "${label}" is not a digit 0–9`) });
  });

  it('refuses a missing image with its line', async () => {
    const error = await refusal(sut(await folder('file,label\ngone.png,1\n')));
    expect(error).toMatchObject({ line: 2, message: expect.stringMatching(/line 2: image "gone.png" cannot be read/) });
  });

  it.each([['../secret.png'], ['sub/../../secret.png'], ['/etc/passwd'], ['..']])('refuses "%s", outside the folder', async (file) => {
    const error = await refusal(sut(await folder(`file,label\n${file},1\n`)));
    expect(error).toMatchObject({ line: 2, message: expect.stringMatching(/outside the folder|absolute path/) });
  });
});

describe('writing labels.csv', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'labelled-folder-write-'));
    for (const file of ['00000.png', '00001.png', 'a, "b".png']) await writeFile(path.join(dir, file), file);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes the generator's file,label layout, which reads back as written", async () => {
    await writeLabels(dir, [
      { file: '00000.png', label: 3 },
      { file: 'a, "b".png', label: 7 },
    ]);
    expect(await readFile(path.join(dir, LABELS_FILE), 'utf8')).toBe('file,label\n00000.png,3\n"a, ""b"".png",7\n');
    expect((await readLabelledFolder(dir)).map(({ file, label }) => ({ file, label }))).toEqual([
      { file: '00000.png', label: 3 },
      { file: 'a, "b".png', label: 7 },
    ]);
  });

  it("appends the feedback folder's lines, the header only once", async () => {
    await appendLabel(dir, { file: '00000.png', label: 1, predicted: 7, created: '2026-01-02T03:04:05.678Z' }, FEEDBACK_LABEL_COLUMNS);
    await appendLabel(dir, { file: '00001.png', label: 2 }, FEEDBACK_LABEL_COLUMNS);
    expect(await readFile(path.join(dir, LABELS_FILE), 'utf8')).toBe(
      'file,label,predicted,created\n00000.png,1,7,2026-01-02T03:04:05.678Z\n00001.png,2,,\n',
    );
    expect((await readLabelledFolder(dir)).map((image) => image.label)).toEqual([1, 2]);
  });

  it('refuses to write what the reader would refuse', async () => {
    await expect(writeLabels(dir, [{ file: '00000.png', label: 10 }])).rejects.toThrow(/label 10 .* is not a digit/);
    await expect(appendLabel(dir, { file: 'two\nlines.png', label: 1 }, FEEDBACK_LABEL_COLUMNS)).rejects.toThrow(/line break/);
  });

  it('trims a half-written last line, and leaves a whole file alone', async () => {
    await appendLabel(dir, { file: '00000.png', label: 4 }, FEEDBACK_LABEL_COLUMNS);
    await expect(trimPartialLabelLine(dir)).resolves.toBe(false);
    await writeFile(path.join(dir, LABELS_FILE), (await readFile(path.join(dir, LABELS_FILE), 'utf8')) + '00001.pn');
    await expect(trimPartialLabelLine(dir)).resolves.toBe(true);
    expect((await readLabelledFolder(dir)).map((image) => image.file)).toEqual(['00000.png']);
    await expect(trimPartialLabelLine(path.join(dir, 'nowhere'))).resolves.toBe(false);
  });

  it('names one labels file per process, safe as a file name', () => {
    expect(processLabelsFile('web-1.example', 4242)).toBe('labels-web-1.example-4242.csv');
    expect(processLabelsFile('a b/c', 7)).toBe('labels-a_b_c-7.csv');
    expect(processLabelsFile()).toBe(processLabelsFile(undefined, process.pid));
  });

  it("reads labels.csv and every process's labels file, skipping the unacknowledged half line a crashed process left", async () => {
    await writeLabels(dir, [{ file: '00000.png', label: 3 }]);
    const [first, second] = [processLabelsFile('host', 2), processLabelsFile('host', 1)];
    await appendLabel(dir, { file: '00001.png', label: 1 }, FEEDBACK_LABEL_COLUMNS, first);
    await appendLabel(dir, { file: 'a, "b".png', label: 2 }, FEEDBACK_LABEL_COLUMNS, second);
    await writeFile(path.join(dir, first), (await readFile(path.join(dir, first), 'utf8')) + '00002.pn');
    await writeFile(path.join(dir, 'labels-empty-3.csv'), 'file,lab'); // died while writing its first line
    expect((await readLabelledFolder(dir)).map(({ file, label }) => ({ file, label }))).toEqual([
      { file: '00000.png', label: 3 },
      { file: 'a, "b".png', label: 2 },
      { file: '00001.png', label: 1 },
    ]);
  });

  it('reads a folder that has only per-process labels files', async () => {
    await appendLabel(dir, { file: '00001.png', label: 5 }, FEEDBACK_LABEL_COLUMNS, processLabelsFile('h', 9));
    expect((await readLabelledFolder(dir)).map((image) => image.label)).toEqual([5]);
  });
});
