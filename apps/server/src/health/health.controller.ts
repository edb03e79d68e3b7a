import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { HttpResponse } from '../common/http.types';
import { ModelService } from '../recognition/model.service';
import { ScaleHealth, ScaleHealthReport } from '../scale/scale-health';

export interface HealthReport {
  status: 'ok' | 'no-model';
  backend: string | null;
  model: { id: string; testAccuracy: number | null } | null;
  uptimeS: number;
}

/** `GET /health`: 200 while a model serves, 503 (`no-model`) while frames would get MODEL_UNAVAILABLE. */
@Controller('health')
export class HealthController {
  private readonly startedAt = performance.now();
  /** Workers, Redis and the Socket.IO adapter when the server runs as several processes (apps/server/src/scale). */
  @Inject(ScaleHealth) private readonly scale!: ScaleHealth;

  constructor(private readonly models: ModelService) {}

  @Get()
  async health(@Res({ passthrough: true }) response: HttpResponse): Promise<HealthReport & ScaleHealthReport> {
    const model = this.models.info;
    response.status(model ? 200 : 503);
    return {
      status: model ? 'ok' : 'no-model',
      backend: this.models.backend ?? null,
      model: model ? { id: model.modelId, testAccuracy: model.testAccuracy } : null,
      uptimeS: Math.round((performance.now() - this.startedAt) / 1000),
      ...(await this.scale.report()),
    };
  }
}
