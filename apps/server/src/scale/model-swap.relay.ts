import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ModelService } from '../recognition/model.service';
import { RecognitionServer, SocketScaleOut } from './socket-scale-out';

/** The server-side event a process sends the others after it swapped in a new model. */
export const MODEL_SWAPPED = 'live-digits:model-swapped';
export interface ModelSwapAnnouncement {
  node: string;
  modelId: string;
}

/**
 * A model swap on any process (SIGHUP, or its model folder changing) reaches every process: the one
 * that swapped announces the new model's id; each other one that serves another id reloads from its
 * own MODEL_DIR (the same image or a shared volume) through `ModelService.reload`, which refuses a
 * broken model there as it would locally, and tells its own clients through the usual `model` event.
 * A swap made because of an announcement is not announced again, so announcements never ping-pong.
 */
@Injectable()
export class ModelSwapRelay {
  private readonly logger = new Logger(ModelSwapRelay.name);
  private io: RecognitionServer | undefined;
  /** The id another process announced while this one reloads because of it. */
  private answering: string | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly models: ModelService,
    private readonly scaleOut: SocketScaleOut,
  ) {}

  attach(io: RecognitionServer): void {
    this.io = io;
    io.on(MODEL_SWAPPED, (announcement: ModelSwapAnnouncement) => void this.heard(announcement));
    this.models.onSwap(({ modelId }) => this.announce(modelId));
  }

  private announce(modelId: string): void {
    if (!this.io || this.answering !== undefined || !this.scaleOut.crossesProcesses) return;
    this.io.serverSideEmit(MODEL_SWAPPED, { node: this.scaleOut.nodeId, modelId } satisfies ModelSwapAnnouncement);
  }

  private async heard({ node, modelId }: ModelSwapAnnouncement): Promise<void> {
    if (typeof modelId !== 'string' || node === this.scaleOut.nodeId) return;
    // Still starting (it loads its own folder anyway), already serving that model, or busy reloading.
    if (!this.models.info || this.models.info.modelId === modelId || this.answering !== undefined) return;
    this.answering = modelId;
    this.logger.log(`${node} swapped in ${modelId}; reloading ${this.config.modelDir}`);
    try {
      const swapped = await this.models.reload(`${node} announced ${modelId}`);
      const serving = this.models.info?.modelId;
      if (swapped && serving !== modelId) {
        this.logger.warn(`${this.config.modelDir} holds ${serving}, not ${modelId}: this process serves a different model from ${node}`);
      }
    } finally {
      this.answering = undefined;
    }
  }
}
