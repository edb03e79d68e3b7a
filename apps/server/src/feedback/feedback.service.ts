import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import sharp from 'sharp';
import { CANVAS_SIZE } from '@live-digits/shared';
import type { FeedbackPayload } from '@live-digits/shared';
import {
  appendLabel,
  FEEDBACK_LABEL_COLUMNS,
  processLabelsFile,
  trimPartialLabelLine,
} from '@live-digits/shared/labelled-images/labelled-folder';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';
import { PreprocessService } from '../recognition/preprocess.service';

/** How stale this process's view of the folder's usage may get before it is counted again (other processes store too). */
const USAGE_RECOUNT_MS = 10_000;

interface FolderUsage {
  items: number;
  bytes: number;
  countedAt: number;
}

/**
 * Stores labelled drawings users send, in the labelled-folder format `train --feedback` reads
 * (libs/shared/src/labelled-images owns it): `<id>.png` plus a line `file,label,predicted,created`
 * in this process's own labels file, `labels-<host>-<pid>.csv`, so processes sharing the folder
 * never append to the same file.
 *
 * Safety: ids are made here (nothing the client sends becomes a path); an image must decode
 * within the same limits as frames, be no larger than the canvas and not be empty; what is stored
 * is a fresh PNG encoding of its pixels (no chunk the client sent survives, so the size is bounded
 * by the canvas); the folder has a quota (FEEDBACK_MAX_ITEMS, FEEDBACK_MAX_BYTES) past which
 * feedback is refused with STORAGE_FULL. The PNG is written to a temporary name, synced and
 * renamed, then its line is appended and synced, one store at a time. A crash therefore leaves at
 * worst an unlisted PNG or a partial last line, which start-up trims (and the reader skips).
 * How often a client may send feedback is the rate limit's job (FeedbackController, FeedbackGateway).
 */
@Injectable()
export class FeedbackService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedbackService.name);
  private readonly labelsFile = processLabelsFile();
  private writes: Promise<unknown> = Promise.resolve();
  private usage: FolderUsage | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly preprocess: PreprocessService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.trimPartialLine();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.writes;
  }

  /** Validates and stores one drawing; resolves to its id. */
  async store({ image, label, predicted }: FeedbackPayload): Promise<string> {
    const bytes = this.preprocess.imageBytes(image);
    const image28 = await this.preprocess.preprocess(bytes).catch((error: unknown) => {
      // Feedback is one digit: a page of marks is a bad image here, not a number to refuse.
      if (error instanceof ClientError && error.code === 'TOO_MANY_DIGITS') {
        throw new ClientError('INVALID_IMAGE', 'Feedback is one digit; this image has more separate marks than a number could.');
      }
      throw error;
    });
    if (image28.empty) throw new ClientError('INVALID_IMAGE', 'The drawing is empty; draw the digit before sending it as feedback.');
    const png = await this.canonicalPng(bytes);

    const id = newFeedbackId();
    const write = this.writes.then(async () => {
      await this.reserve(png.length);
      await this.write(id, png, label, predicted);
    });
    this.writes = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      if (error instanceof ClientError) throw error;
      this.logger.error(`Could not store feedback ${id} in ${this.config.feedbackDir}: ${(error as Error).message}`);
      throw new ClientError('STORAGE_FAILED', 'The drawing could not be stored on the server; please try again later.');
    }
    this.logger.log(`Stored feedback ${id}: label ${label}${predicted === undefined ? '' : `, predicted ${predicted}`}`);
    return id;
  }

  /**
   * The drawing as the server stores it: its pixels re-encoded as a plain PNG (sharp writes no
   * metadata unless asked), so a client cannot park arbitrary bytes in a chunk. Feedback is a
   * canvas, so anything larger than CANVAS_SIZE² is refused.
   */
  private async canonicalPng(bytes: Buffer): Promise<Buffer> {
    const decoder = () => sharp(bytes, { limitInputPixels: this.config.maxImageSide * this.config.maxImageSide });
    const { width = 0, height = 0 } = await decoder().metadata();
    if (width > CANVAS_SIZE || height > CANVAS_SIZE) {
      throw new ClientError(
        'IMAGE_TOO_LARGE',
        `Feedback is a drawing on the ${CANVAS_SIZE}×${CANVAS_SIZE} canvas; this image is ${width}×${height} pixels.`,
      );
    }
    return pixelChunksOnly(await decoder().png().toBuffer());
  }

  /**
   * Refuses with STORAGE_FULL when one more drawing of `bytes` would pass the quota. The folder
   * is counted at the first store and again when the count is older than USAGE_RECOUNT_MS, so
   * what other processes stored is seen within that time; in between, this process adds its own.
   */
  private async reserve(bytes: number): Promise<void> {
    if (!this.usage || performance.now() - this.usage.countedAt > USAGE_RECOUNT_MS) this.usage = await this.countUsage();
    const { feedbackMaxItems, feedbackMaxBytes } = this.config;
    if (this.usage.items + 1 > feedbackMaxItems || this.usage.bytes + bytes > feedbackMaxBytes) {
      this.logger.warn(
        `Feedback refused: ${this.config.feedbackDir} holds ${this.usage.items} drawings, ${this.usage.bytes} bytes (quota ${feedbackMaxItems} drawings, ${feedbackMaxBytes} bytes)`,
      );
      throw new ClientError(
        'STORAGE_FULL',
        'The server has stored all the feedback it has room for; thank you, no more is being accepted.',
      );
    }
    this.usage.items += 1;
    this.usage.bytes += bytes;
  }

  private async countUsage(): Promise<FolderUsage> {
    const dir = this.config.feedbackDir;
    const usage: FolderUsage = { items: 0, bytes: 0, countedAt: performance.now() };
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const size = await stat(path.join(dir, name)).then(
        (stats) => (stats.isFile() ? stats.size : 0),
        () => 0,
      );
      usage.bytes += size;
      if (name.endsWith('.png') && !name.startsWith('.')) usage.items += 1;
    }
    return usage;
  }

  private async write(id: string, png: Buffer, label: number, predicted: number | undefined): Promise<void> {
    const dir = this.config.feedbackDir;
    await mkdir(dir, { recursive: true });
    const file = `${id}.png`;
    const temporary = path.join(dir, `.${file}.tmp`);
    try {
      await writeSynced(temporary, png, 'wx');
      await rename(temporary, path.join(dir, file));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await appendLabel(dir, { file, label, predicted, created: new Date().toISOString() }, FEEDBACK_LABEL_COLUMNS, this.labelsFile);
  }

  /** A crash during an append can leave half a line in this process's file (a pid reused); it was never acknowledged, so it goes. */
  private async trimPartialLine(): Promise<void> {
    if (await trimPartialLabelLine(this.config.feedbackDir, this.labelsFile)) {
      this.logger.warn(
        `Trimmed a partial last line from ${path.join(this.config.feedbackDir, this.labelsFile)} (left by an interrupted write)`,
      );
    }
  }
}

/** What a PNG needs to show its pixels; libvips also writes pHYs (the resolution), which says nothing here. */
const PIXEL_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);

/** `png` (as sharp wrote it) without its ancillary chunks; each kept chunk keeps its own CRC. */
function pixelChunksOnly(png: Buffer): Buffer {
  const parts = [png.subarray(0, 8)];
  for (let offset = 8; offset + 12 <= png.length;) {
    const end = offset + 12 + png.readUInt32BE(offset);
    if (PIXEL_CHUNKS.has(png.toString('latin1', offset + 4, offset + 8))) parts.push(png.subarray(offset, end));
    offset = end;
  }
  return Buffer.concat(parts);
}

/** Sortable by time, unguessable, and safe as a file name: 20251121T214917123Z-3f9a0c1e. */
export function newFeedbackId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
}

async function writeSynced(file: string, data: Uint8Array, flags: string): Promise<void> {
  const handle = await open(file, flags);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
