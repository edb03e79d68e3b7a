import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { HttpRequest, HttpResponse } from '../common/http.types';
import { ApiErrorResponses } from '../common/api-error.dto';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { ClusterLink } from '../scale/cluster-worker';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  /** In a cluster worker, every worker's metrics summed by the primary (prom-client's AggregatorRegistry). */
  @Inject(ClusterLink) private readonly cluster!: ClusterLink;
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Prometheus text exposition format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (Bearer METRICS_TOKEN when the server sets one)' })
  @ApiBearerAuth('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiErrorResponses(401)
  async scrape(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    if (!this.authorised(request.headers.authorization)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('The metrics need an Authorization: Bearer header with the server’s METRICS_TOKEN.');
    }
    const text = this.cluster.isWorker ? await this.cluster.metrics() : await this.metrics.registry.metrics();
    response.type(this.metrics.registry.contentType).send(text);
  }

  private authorised(header: string | string[] | undefined): boolean {
    const token = this.config.metricsToken;
    if (token === undefined) return true;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return false;
    const [given, expected] = [Buffer.from(match[1]), Buffer.from(token)];
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
