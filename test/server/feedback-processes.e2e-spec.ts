/**
 * Several server processes storing feedback into one folder (a cluster, or hosts sharing a volume):
 * each appends only to its own labels file, and `train --feedback` reads them all — every
 * acknowledged drawing is there once, under its label, with its pixels intact.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { FeedbackAck } from '@live-digits/shared';
import { readLabelledFolder } from '@live-digits/shared/labelled-images/labelled-folder';
import { dataUrl, drawingPng, drawnDigits } from './support/drawings';
import { saveThrowawayModel } from './support/model-fixtures';
import { listeningUrl, ServerProcess, spawnServerProcess, stopServerProcess } from './support/server-process';
import { within } from './support/test-server';

const PROCESSES = 4;
const ITEMS_PER_PROCESS = 250;

describe('feedback from several server processes into one folder', () => {
  let root: string;
  let feedbackDir: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-feedback-processes-'));
    feedbackDir = path.join(root, 'feedback');
    await saveThrowawayModel(path.join(root, 'model'), 4);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => stopServerProcess(server)));
    await rm(root, { recursive: true, force: true });
  });

  it(`${PROCESSES} processes × ${ITEMS_PER_PROCESS} concurrent items → all stored, none torn, none lost`, async () => {
    for (let i = 0; i < PROCESSES; i++) {
      servers.push(
        spawnServerProcess({
          HOST: '127.0.0.1',
          PORT: '0',
          MODEL_DIR: path.join(root, 'model'),
          MODEL_WATCH_MS: '0',
          FEEDBACK_DIR: feedbackDir,
          FEEDBACK_PER_MINUTE: '100000',
          PREPROCESS_WORKERS: '0',
          CLIENT_DIR: '/nonexistent-client',
          // 1,000 requests at once on a loaded machine: not what the request timeouts are for.
          REQUEST_TIMEOUT_MS: '600000',
          HEADERS_TIMEOUT_MS: '600000',
        }),
      );
    }
    const urls = await Promise.all(servers.map((server) => listeningUrl(server, 150_000)));

    const digits = drawnDigits(10, 4242);
    const drawings = await Promise.all(digits.map(drawingPng));
    const pixels = await Promise.all(drawings.map((png) => sharp(png).raw().toBuffer()));

    const sent = new Map<string, number>(); // id → index of the drawing
    const failures: string[] = [];
    const started = performance.now();
    await within(
      Promise.all(
        urls.flatMap((url) =>
          Array.from({ length: ITEMS_PER_PROCESS }, async (_, i) => {
            const which = i % drawings.length;
            const response = await fetch(`${url}/feedback`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ image: dataUrl(drawings[which]), label: digits[which].label, predicted: which }),
            });
            const text = await response.text();
            const ack = (response.ok ? JSON.parse(text) : { ok: false }) as FeedbackAck;
            if (ack.ok) sent.set(ack.id, which);
            else failures.push(`${response.status} after ${Math.round(performance.now() - started)} ms: ${text}`);
          }),
        ),
      ),
      150_000,
      'storing the feedback',
    );
    expect(failures).toEqual([]);
    expect(sent.size).toBe(PROCESSES * ITEMS_PER_PROCESS);

    const files = await readdir(feedbackDir);
    expect(files.filter((name) => /^labels-.+\.csv$/.test(name))).toHaveLength(PROCESSES);
    expect(files).not.toContain('labels.csv');

    const stored = await readLabelledFolder(feedbackDir);
    expect(stored).toHaveLength(PROCESSES * ITEMS_PER_PROCESS);
    expect(new Set(stored.map((entry) => entry.file))).toEqual(new Set([...sent.keys()].map((id) => `${id}.png`)));
    for (const entry of stored) {
      const which = sent.get(entry.file.replace(/\.png$/, ''))!;
      expect(entry.label).toBe(digits[which].label);
      expect((await sharp(entry.bytes).raw().toBuffer()).equals(pixels[which])).toBe(true);
    }
  }, 400_000);
});
