import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { SocketRateGuard } from '../common/socket-rate.guard';

/** FEEDBACK_PER_MINUTE labelled drawings per socket, with up to a minute's worth at once. */
@Injectable()
export class FeedbackRateGuard extends SocketRateGuard {
  protected readonly ratePerSecond: number;
  protected readonly burst: number;
  protected readonly refusal: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.ratePerSecond = config.feedbackPerMinute / 60;
    this.burst = config.feedbackPerMinute;
    this.refusal = `Too much feedback: this connection may send ${config.feedbackPerMinute} drawings a minute; try again shortly.`;
  }
}
