import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../common/http.types';
import { ModelService } from '../recognition/model.service';
import { ScaleHealth, ScaleHealthReport } from '../scale/scale-health';

class HealthModelDto {
  @ApiProperty({ example: 'digit-net-20261121-222407' })
  id!: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.9967 })
  testAccuracy!: number | null;
}

export class HealthReport {
  @ApiProperty({ enum: ['ok', 'no-model'] })
  status!: 'ok' | 'no-model';
  @ApiProperty({ type: String, nullable: true, example: 'wasm', description: 'The TensorFlow.js backend' })
  backend!: string | null;
  @ApiPropertyOptional({ type: HealthModelDto, nullable: true, description: 'The model serving now' })
  model!: { id: string; testAccuracy: number | null } | null;
  @ApiProperty({ description: 'Seconds since start-up' })
  uptimeS!: number;
}

/** `GET /health`: 200 while a model serves, 503 (`no-model`) while frames would get MODEL_UNAVAILABLE. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly startedAt = performance.now();
  /** Workers, Redis and the Socket.IO adapter when the server runs as several processes (apps/server/src/scale). */
  @Inject(ScaleHealth) private readonly scale!: ScaleHealth;

  constructor(private readonly models: ModelService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and the model serving now' })
  @ApiResponse({ status: 200, type: HealthReport, description: 'A model is serving' })
  @ApiResponse({ status: 503, type: HealthReport, description: 'No model is loaded yet (frames get MODEL_UNAVAILABLE)' })
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
