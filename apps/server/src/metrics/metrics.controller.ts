import { Controller, Get, Header, Res } from '@nestjs/common';
import type { HttpResponse } from '../common/http.types';
import { ClusterLink } from '../scale/cluster-worker';
import { MetricsService } from './metrics.service';

@Controller('metrics')
export class MetricsController {
  /** In a cluster worker, every worker's metrics summed by the primary (prom-client's AggregatorRegistry). */
  @Inject(ClusterLink) private readonly cluster!: ClusterLink;
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text exposition format. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: HttpResponse): Promise<void> {
    const text = this.cluster.isWorker ? await this.cluster.metrics() : await this.metrics.registry.metrics();
    response.type(this.metrics.registry.contentType).send(text);
  }
}
