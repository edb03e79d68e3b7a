/**
 * A folder of labelled images: image files plus a `labels.csv` naming each file and its digit.
 * This module owns that format, reading and writing: the drawn-digit generator writes it
 * (`file,label`), and so does the server's feedback folder (`file,label,predicted,created`);
 * `evaluate --drawings DIR` and `train --feedback DIR` read it. Extra columns are ignored, so both
 * writers' folders read the same.
 */
import { open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const LABELS_FILE = 'labels.csv';

/** The generator's columns, and the feedback folder's: what the model guessed and when the drawing was stored. */
export const LABEL_COLUMNS = ['file', 'label'] as const;
export const FEEDBACK_LABEL_COLUMNS = ['file', 'label', 'predicted', 'created'] as const;
export type LabelColumns = typeof LABEL_COLUMNS | typeof FEEDBACK_LABEL_COLUMNS;

/** One line of labels.csv; `predicted` and `created` are written only under the feedback columns. */
export interface LabelLine {
  /** Relative to the folder. */
  file: string;
  label: number;
  predicted?: number;
  /** ISO time. */
  created?: string;
}

export interface LabelledImage {
  /** As written in labels.csv, relative to the folder. */
  file: string;
  label: number;
  bytes: Buffer;
}

/** What is wrong, and where: the file, and the line of labels.csv when there is one. */
export class LabelledFolderError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${problem}`);
    this.name = 'LabelledFolderError';
  }
}

export async function readLabelledFolder(dir: string): Promise<LabelledImage[]> {
  const folder = path.resolve(dir);
  const isFolder = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new LabelledFolderError(dir, undefined, 'is not a folder (it does not exist or is a file)');

  const labelsPath = path.join(dir, LABELS_FILE);
  const csv = await readFile(labelsPath, 'utf8').catch(() => {
    throw new LabelledFolderError(
      labelsPath,
      undefined,
      `is missing: a labelled folder needs a ${LABELS_FILE} with the columns file,label`,
    );
  });
  const [headerLine = '', ...rows] = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = csvFields(headerLine).map((name) => name.trim().toLowerCase());
  const fileColumn = header.indexOf('file'),
    labelColumn = header.indexOf('label');
  if (fileColumn < 0 || labelColumn < 0) {
    throw new LabelledFolderError(labelsPath, 1, `the header "${headerLine}" must name the columns file and label`);
  }

  const images: LabelledImage[] = [];
  for (const [index, row] of rows.entries()) {
    const line = index + 2;
    if (row.trim() === '') continue;
    const fields = csvFields(row);
    const file = (fields[fileColumn] ?? '').trim();
    const labelText = (fields[labelColumn] ?? '').trim();
    if (!/^[0-9]$/.test(labelText)) throw new LabelledFolderError(labelsPath, line, `label "${labelText}" is not a digit 0–9`);
    const imagePath = insideFolder(folder, file, labelsPath, line);
    const bytes = await readFile(imagePath).catch(() => {
      throw new LabelledFolderError(labelsPath, line, `image "${file}" cannot be read (${imagePath})`);
    });
    images.push({ file, label: Number(labelText), bytes });
  }
  return images;
}

/** The image's path, refusing names that would read outside the folder: a CSV is data, not a licence to roam the disk. */
function insideFolder(folder: string, file: string, labelsPath: string, line: number): string {
  if (file === '') throw new LabelledFolderError(labelsPath, line, 'the file name is empty');
  if (path.isAbsolute(file) || path.win32.isAbsolute(file)) {
    throw new LabelledFolderError(labelsPath, line, `file "${file}" is an absolute path; names must be relative to the folder`);
  }
  const resolved = path.resolve(folder, file);
  if (file.split(/[\\/]/).includes('..') || !resolved.startsWith(folder + path.sep)) {
    throw new LabelledFolderError(labelsPath, line, `file "${file}" points outside the folder`);
  }
  return resolved;
}

/** One CSV line's fields; double-quoted fields may hold commas and "" for a quote. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '',
    quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/** Writes a whole labels.csv, header first, replacing any there was. */
export async function writeLabels(dir: string, lines: readonly LabelLine[], columns: LabelColumns = LABEL_COLUMNS): Promise<void> {
  await writeFile(path.join(dir, LABELS_FILE), [columns.join(','), ...lines.map((line) => csvLine(line, columns))].join('\n') + '\n');
}

/**
 * Appends one line, with the header first when the file is new or empty, and syncs it to disk
 * before resolving. Callers that append concurrently must serialise their calls.
 */
export async function appendLabel(dir: string, line: LabelLine, columns: LabelColumns): Promise<void> {
  const text = csvLine(line, columns) + '\n';
  const handle = await open(path.join(dir, LABELS_FILE), 'a');
  try {
    const { size } = await handle.stat();
    await handle.write(size === 0 ? `${columns.join(',')}\n${text}` : text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A crash during {@link appendLabel} can leave half a line; it was never acknowledged, so it goes.
 * Resolves to true when a partial line was cut (a missing file has none).
 */
export async function trimPartialLabelLine(dir: string): Promise<boolean> {
  const labelsPath = path.join(dir, LABELS_FILE);
  const text = await readFile(labelsPath).catch(() => undefined);
  if (!text?.length || text[text.length - 1] === 0x0a) return false;
  await truncate(labelsPath, text.lastIndexOf(0x0a) + 1);
  return true;
}

/** A line the reader reads back as it was written: labels must be digits, fields with a comma or quote are quoted. */
function csvLine(line: LabelLine, columns: LabelColumns): string {
  if (!Number.isInteger(line.label) || line.label < 0 || line.label > 9) {
    throw new RangeError(`label ${line.label} of "${line.file}" is not a digit 0–9`);
  }
  return columns.map((column) => csvField(line[column])).join(',');
}

function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  if (/[\r\n]/.test(text)) throw new RangeError(`a ${LABELS_FILE} field cannot hold a line break: ${JSON.stringify(text)}`);
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
