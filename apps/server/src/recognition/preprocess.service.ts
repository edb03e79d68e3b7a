import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import sharp from 'sharp';
import type { ImagePayload } from '@live-digits/shared';
import {
  declaredPngPixels,
  encodePreviewPng,
  imageBytesFrom,
  PreprocessedNumber,
  PreprocessError,
  preprocessNumber,
} from '@live-digits/shared/preprocessing/preprocess';
import { PreprocessPool } from '@live-digits/shared/preprocessing/preprocess-pool';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ClientError } from '../common/client-error';

/**
 * Turns what a client sent into what the model eats, with the shared preprocessing that training
 * uses too (sharp: decode, alpha over white, grey, the digits' ink pieces, and for each digit its
 * ink box, 20×20 fit, centre of mass at 14,14). Failures become {@link ClientError}s carrying
 * INVALID_IMAGE, IMAGE_TOO_LARGE or TOO_MANY_DIGITS and the reason.
 */
export type { PreprocessedNumber };

@Injectable()
export class PreprocessService implements OnApplicationShutdown {
  private readonly limits: { maxBytes: number; maxWidth: number; maxHeight: number };
  /** Worker threads when configured (PREPROCESS_WORKERS > 0), so the event loop keeps serving sockets and inference. */
  private readonly pool: PreprocessPool | undefined;
  /** Frames being preprocessed right now, here or on the pool. */
  private inFlight = 0;
  /** Heavy frames take turns, one at a time server-wide: this is the end of their queue. */
  private heavyQueue: Promise<unknown> = Promise.resolve();
  /** A heavy frame is decoding on the pool: light frames stay off it rather than queue behind it. */
  private heavyOnPool = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limits = { maxBytes: config.maxImageBytes, maxWidth: config.maxImageSide, maxHeight: config.maxImageSide };
    // Every frame is a new image: libvips' operation cache would only hold memory (tens of MB),
    // and one libvips thread per small image lets libuv's pool decode several frames in parallel.
    sharp.cache(false);
    sharp.concurrency(1);
    this.pool = config.preprocessWorkers > 0 ? PreprocessPool.start(config.preprocessWorkers) : undefined;
  }

  /**
   * The last hook of a shutdown: Nest runs onModuleDestroy before beforeApplicationShutdown, where
   * FrameStreamService drains the frames in flight, and those frames still need the threads.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }

  /**
   * Raw image bytes from a payload the gateway or controller validated: bytes as they are, a data
   * URL or bare base64 decoded. Their size and content are judged once, by preprocess().
   */
  imageBytes(image: ImagePayload): Buffer {
    try {
      return imageBytesFrom(image, this.limits.maxBytes);
    } catch (error) {
      throw toClientError(error);
    }
  }

  /**
   * Bytes → every digit on the image, left to right, each as the model's 28×28 input
   * (IMAGE_PIXELS floats in [0, 1], white ink on black, MNIST-centred) with its alternative
   * readings (see preprocessNumber); `empty` when nothing is drawn. Refuses empty bytes, an image
   * over the byte or side limits, anything that is not a decodable PNG, JPEG or WebP, and more
   * than MAX_DIGITS digits.
   * A lone frame is preprocessed here: the event loop has nothing else to do, and the round trip
   * to a thread would only add latency. Frames that overlap go to the pool, where they use the
   * other cores while this loop serves sockets and runs inference.
   */
  async preprocess(bytes: Uint8Array): Promise<PreprocessedNumber> {
    if ((declaredPngPixels(bytes) ?? 0) > HEAVY_PIXELS) return this.preprocessHeavy(bytes);
    const pool = this.inFlight > 0 && !this.heavyOnPool ? this.pool : undefined;
    this.inFlight++;
    try {
      return await (pool ? pool.preprocess(bytes, this.limits) : preprocessNumber(bytes, this.limits));
    } catch (error) {
      throw toClientError(error);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * A large PNG (a decode of tens of milliseconds, which no shrink-on-load can cut) waits for the
   * heavy frames before it, so however many sockets send them, they use one core between them
   * and canvas frames keep the rest: one client's heavy-but-valid frames cannot starve others.
   */
  private preprocessHeavy(bytes: Uint8Array): Promise<PreprocessedNumber> {
    const run = async () => {
      this.heavyOnPool = this.pool !== undefined;
      try {
        return await (this.pool ? this.pool.preprocess(bytes, this.limits) : preprocessNumber(bytes, this.limits));
      } catch (error) {
        throw toClientError(error);
      } finally {
        this.heavyOnPool = false;
      }
    };
    const result = this.heavyQueue.then(run, run);
    this.heavyQueue = result.catch(() => undefined);
    return result;
  }

  /** The 28×28 the model saw, as a PNG data URL. */
  async previewDataUrl(pixels: Float32Array): Promise<string> {
    return `data:image/png;base64,${(await encodePreviewPng(pixels)).toString('base64')}`;
  }
}

/** Above this many declared pixels (a 1024² image, 6.5 canvases) a PNG is heavy: see preprocessHeavy. */
export const HEAVY_PIXELS = 1024 * 1024;

function toClientError(error: unknown): unknown {
  return error instanceof PreprocessError ? new ClientError(error.code, error.message) : error;
}
