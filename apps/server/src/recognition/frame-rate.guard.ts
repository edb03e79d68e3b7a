import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { SocketRateGuard } from '../common/socket-rate.guard';

/** RATE_LIMIT_FPS frames per second per socket, with one second's worth of burst. */
@Injectable()
export class FrameRateGuard extends SocketRateGuard {
  protected readonly ratePerSecond: number;
  protected readonly burst: number;
  protected readonly refusal: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.ratePerSecond = config.rateLimitFps;
    this.burst = config.rateLimitFps;
    this.refusal = `Too many frames: this connection may send ${config.rateLimitFps} frames per second; this one was dropped.`;
  }
}
