/**
 * A folder of labelled images: image files plus a `labels.csv` naming each file and its digit.
 * This module owns that format, reading and writing: the drawn-digit generator writes it
 * (`file,label`), and so does the server's feedback folder (`file,label,predicted,created`);
 * `evaluate --drawings DIR` and `train --feedback DIR` read it. Extra columns are ignored, so both
 * writers' folders read the same.
 *
 * Several server processes (a cluster, or hosts sharing a volume) store feedback in one folder,
 * and two processes must never append to the same file: each appends to its own
 * `labels-<host>-<pid>.csv` ({@link processLabelsFile}), and the reader reads `labels.csv` and every
 * such file. Only one process ever writes a per-process file, so its last line can only be partial
 * when that process died mid-append — an append never acknowledged, which the reader skips.
 */
import { hostname } from 'node:os';
import { open, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const LABELS_FILE = 'labels.csv';
/** Per-process labels files: `labels-<host>-<pid>.csv`. */
const PROCESS_LABELS_FILE = /^labels-[A-Za-z0-9._-]+\.csv$/;

/** This process's own labels file, the only one it appends to: `labels-<host>-<pid>.csv`. */
export function processLabelsFile(host = hostname(), pid = process.pid): string {
  return `labels-${host.replace(/[^A-Za-z0-9.-]/g, '_') || 'host'}-${pid}.csv`;
}

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

/**
 * Every labelled image of the folder: `labels.csv`'s lines in order, then each per-process labels
 * file's (sorted by name). A folder needs at least one of them.
 */
export async function readLabelledFolder(dir: string): Promise<LabelledImage[]> {
  const folder = path.resolve(dir);
  const isFolder = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new LabelledFolderError(dir, undefined, 'is not a folder (it does not exist or is a file)');

  const names = await labelsFiles(folder);
  if (!names.length) {
    throw new LabelledFolderError(
      path.join(dir, LABELS_FILE),
      undefined,
      `is missing: a labelled folder needs a ${LABELS_FILE} with the columns file,label`,
    );
  }
  const images: LabelledImage[] = [];
  for (const name of names) images.push(...(await readLabelsFile(folder, path.join(dir, name), name !== LABELS_FILE)));
  return images;
}

/** `labels.csv` (when there is one) first, then the per-process files by name. */
export async function labelsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  return [...files.filter((name) => name === LABELS_FILE), ...files.filter((name) => PROCESS_LABELS_FILE.test(name)).sort()];
}

async function readLabelsFile(folder: string, labelsPath: string, appendOnly: boolean): Promise<LabelledImage[]> {
  let csv = await readFile(labelsPath, 'utf8').catch((error: Error) => {
    throw new LabelledFolderError(labelsPath, undefined, `cannot be read (${error.message})`);
  });
  // A per-process file ends with a line break after every acknowledged append.
  if (appendOnly && !csv.endsWith('\n')) csv = csv.slice(0, csv.lastIndexOf('\n') + 1);
  const [headerLine = '', ...rows] = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (appendOnly && headerLine === '' && rows.length === 0) return [];
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
 * Appends one line to `file` (a process's own, {@link processLabelsFile}, when several processes
 * share the folder), with the header first when the file is new or empty, and syncs it to disk
 * before resolving. Callers that append concurrently must serialise their calls.
 */
export async function appendLabel(dir: string, line: LabelLine, columns: LabelColumns, file = LABELS_FILE): Promise<void> {
  const text = csvLine(line, columns) + '\n';
  const handle = await open(path.join(dir, file), 'a');
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
export async function trimPartialLabelLine(dir: string, file = LABELS_FILE): Promise<boolean> {
  const labelsPath = path.join(dir, file);
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
