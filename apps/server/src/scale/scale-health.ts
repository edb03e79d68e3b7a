import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ClusterReport } from './cluster-messages';
import { ClusterLink } from './cluster-worker';
import { RedisLink, RedisState } from './redis-link';
import { SocketAdapterName, SocketScaleOut } from './socket-scale-out';

export interface ScaleHealthReport {
  /** Which Socket.IO adapter carries broadcasts beyond this process (absent when one process serves alone). */
  socketAdapter?: Exclude<SocketAdapterName, 'in-memory'>;
  /** With REDIS_URL: whether this process reaches Redis now. */
  redis?: RedisState;
  /** In a cluster worker: the primary's roster (every worker, its state and model), or why it did not answer. */
  cluster?: ClusterReport | { error: string };
}

/** What `GET /health` adds about scale-out: nothing for one process alone. */
@Injectable()
export class ScaleHealth {
  constructor(
    private readonly scaleOut: SocketScaleOut,
    private readonly cluster: ClusterLink,
    @Optional() @Inject(RedisLink) private readonly redis: RedisLink | null,
  ) {}

  async report(): Promise<ScaleHealthReport> {
    const adapter = this.scaleOut.adapterName;
    if (adapter === 'in-memory') return {};
    const report: ScaleHealthReport = { socketAdapter: adapter };
    if (this.redis) report.redis = this.redis.state;
    if (this.cluster.isWorker) {
      report.cluster = await this.cluster.report().catch((error: Error) => ({ error: error.message }));
    }
    return report;
  }
}
