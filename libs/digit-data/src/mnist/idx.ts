/**
 * A reader for MNIST's idx files, raw or gzipped. Pure (no tfjs) so it is trivially testable.
 *
 * Format (big-endian): a 32-bit magic number (2051 for images, 2049 for labels), the item
 * count, then for images the row and column counts, then one unsigned byte per pixel / label.
 */
import { gunzipSync } from 'node:zlib';

export const IMAGES_MAGIC = 2051;
export const LABELS_MAGIC = 2049;

export interface IdxImages {
  count: number;
  rows: number;
  columns: number;
  /** count × rows × columns bytes, 0 = background, 255 = ink, row-major. */
  pixels: Uint8Array;
}

export class IdxFormatError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'IdxFormatError';
  }
}

function unzipIfNeeded(bytes: Uint8Array, source: string): Uint8Array {
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzipped) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new IdxFormatError(source, `is gzipped but cannot be decompressed (${(error as Error).message})`);
  }
}

function header(bytes: Uint8Array, source: string, expectedMagic: number, headerLength: number): DataView {
  const short = () => new IdxFormatError(source, `is ${bytes.length} bytes long, shorter than its ${headerLength}-byte header`);
  if (bytes.length < 4) throw short();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    const kind = expectedMagic === IMAGES_MAGIC ? 'an images' : 'a labels';
    throw new IdxFormatError(source, `has magic number ${magic}, expected ${expectedMagic} for ${kind} file`);
  }
  if (bytes.length < headerLength) throw short();
  return view;
}

export function parseIdxImages(input: Uint8Array, source = 'images file'): IdxImages {
  const bytes = unzipIfNeeded(input, source);
  const view = header(bytes, source, IMAGES_MAGIC, 16);
  const [count, rows, columns] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  if (rows === 0 || columns === 0) throw new IdxFormatError(source, `declares images of ${rows}×${columns} pixels`);
  const expected = 16 + count * rows * columns;
  if (bytes.length !== expected) {
    throw new IdxFormatError(source, `declares ${count} images of ${rows}×${columns} (${expected} bytes) but has ${bytes.length} bytes`);
  }
  return { count, rows, columns, pixels: bytes.subarray(16) };
}

export function parseIdxLabels(input: Uint8Array, source = 'labels file'): Uint8Array {
  const bytes = unzipIfNeeded(input, source);
  const view = header(bytes, source, LABELS_MAGIC, 8);
  const count = view.getUint32(4);
  if (bytes.length !== 8 + count) {
    throw new IdxFormatError(source, `declares ${count} labels (${8 + count} bytes) but has ${bytes.length} bytes`);
  }
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) throw new IdxFormatError(source, `label ${bad} is ${labels[bad]}, not a digit 0–9`);
  return labels;
}
