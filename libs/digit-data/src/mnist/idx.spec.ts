import { gzipSync } from 'node:zlib';
import { IdxFormatError, IMAGES_MAGIC, LABELS_MAGIC, parseIdxImages, parseIdxLabels } from './idx';

function imagesFile(count: number, rows = 28, columns = 28, magic = IMAGES_MAGIC): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(rows, 8);
  header.writeUInt32BE(columns, 12);
  const pixels = Buffer.alloc(count * rows * columns);
  pixels.forEach((_, i) => (pixels[i] = i % 256));
  return Buffer.concat([header, pixels]);
}

function labelsFile(labels: number[], magic = LABELS_MAGIC): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

describe('idx parser', () => {
  it('reads images and labels', () => {
    const sut = parseIdxImages(imagesFile(3));
    expect(sut).toMatchObject({ count: 3, rows: 28, columns: 28 });
    expect(sut.pixels.length).toBe(3 * 784);
    expect(sut.pixels[785]).toBe(785 % 256);
    expect(Array.from(parseIdxLabels(labelsFile([7, 0, 9])))).toEqual([7, 0, 9]);
  });

  it('reads gzipped files', () => {
    expect(parseIdxImages(gzipSync(imagesFile(2))).count).toBe(2);
    expect(Array.from(parseIdxLabels(gzipSync(labelsFile([1, 2]))))).toEqual([1, 2]);
  });

  it('names a wrong magic number', () => {
    expect(() => parseIdxImages(labelsFile([1]), 'x.idx')).toThrow(
      new IdxFormatError('x.idx', 'has magic number 2049, expected 2051 for an images file'),
    );
    expect(() => parseIdxLabels(imagesFile(1), 'y.idx')).toThrow(/has magic number 2051, expected 2049 for a labels file/);
  });

  it('names a truncated file', () => {
    const truncated = imagesFile(3).subarray(0, 16 + 784 * 2 + 100);
    expect(() => parseIdxImages(truncated, 'train.idx')).toThrow(/declares 3 images of 28×28 \(2368 bytes\) but has 1684 bytes/);
    expect(() => parseIdxImages(Buffer.from([0, 0, 8, 3, 0]), 'tiny')).toThrow(/shorter than its 16-byte header/);
    expect(() => parseIdxLabels(labelsFile([1, 2, 3]).subarray(0, 9))).toThrow(/declares 3 labels/);
  });

  it('refuses labels that are not digits and broken gzip', () => {
    expect(() => parseIdxLabels(labelsFile([3, 12]))).toThrow(/label 1 is 12, not a digit/);
    expect(() => parseIdxImages(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(/gzipped but cannot be decompressed/);
  });
});
