import { Controller, Get, Res } from '@nestjs/common';
import type { HttpResponse } from '../common/http.types';
import { ModelService } from '../recognition/model.service';

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

  constructor(private readonly models: ModelService) {}

  @Get()
  health(@Res({ passthrough: true }) response: HttpResponse): HealthReport {
    const model = this.models.info;
    response.status(model ? 200 : 503);
    return {
      status: model ? 'ok' : 'no-model',
      backend: this.models.backend ?? null,
      model: model ? { id: model.modelId, testAccuracy: model.testAccuracy } : null,
      uptimeS: Math.round((performance.now() - this.startedAt) / 1000),
    };
  }
}
