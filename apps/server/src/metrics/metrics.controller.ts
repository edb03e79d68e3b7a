import { Controller, Get, Header, Res } from '@nestjs/common';
import type { HttpResponse } from '../common/http.types';
import { MetricsService } from './metrics.service';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text exposition format. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: HttpResponse): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
