import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import sharp from 'sharp';
import type { FeedbackPayload } from '@live-digits/shared';
import {
  appendLabel,
  FEEDBACK_LABEL_COLUMNS,
  LABELS_FILE,
  trimPartialLabelLine,
} from '@live-digits/shared/labelled-images/labelled-folder';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';
import { PreprocessService } from '../recognition/preprocess.service';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Stores labelled drawings users send, in the labelled-folder format `train --feedback` reads
 * (libs/shared/src/labelled-images owns it): `<id>.png` plus a line `file,label,predicted,created`
 * in `labels.csv`.
 *
 * Safety: ids are made here (nothing the client sends becomes a path); an image must decode
 * within the same limits as frames and not be empty; the PNG is written to a temporary name,
 * synced and renamed, then its line is appended and synced, one store at a time. A crash
 * therefore leaves at worst an unlisted PNG or a partial last line, which start-up trims.
 */
@Injectable()
export class FeedbackService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedbackService.name);
  private writes: Promise<unknown> = Promise.resolve();

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
    const image28 = await this.preprocess.preprocess(bytes);
    if (image28.empty) throw new ClientError('INVALID_IMAGE', 'The drawing is empty; draw the digit before sending it as feedback.');
    const png = bytes.subarray(0, 8).equals(PNG_SIGNATURE)
      ? bytes
      : await sharp(bytes, { limitInputPixels: this.config.maxImageSide * this.config.maxImageSide })
          .png()
          .toBuffer();

    const id = newFeedbackId();
    const write = this.writes.then(() => this.write(id, png, label, predicted));
    this.writes = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      this.logger.error(`Could not store feedback ${id} in ${this.config.feedbackDir}: ${(error as Error).message}`);
      throw new ClientError('STORAGE_FAILED', 'The drawing could not be stored on the server; please try again later.');
    }
    this.logger.log(`Stored feedback ${id}: label ${label}${predicted === undefined ? '' : `, predicted ${predicted}`}`);
    return id;
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
    await appendLabel(dir, { file, label, predicted, created: new Date().toISOString() }, FEEDBACK_LABEL_COLUMNS);
  }

  /** A crash during an append can leave half a line; it was never acknowledged, so it goes. */
  private async trimPartialLine(): Promise<void> {
    if (await trimPartialLabelLine(this.config.feedbackDir)) {
      this.logger.warn(
        `Trimmed a partial last line from ${path.join(this.config.feedbackDir, LABELS_FILE)} (left by an interrupted write)`,
      );
    }
  }
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
