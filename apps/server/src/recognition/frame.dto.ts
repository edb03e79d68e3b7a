import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FramePayload, ImagePayload, InsightRequest } from '@live-digits/shared';
import { IsImagePayload, IsInsightRequest } from '../common/validation';

/** The `frame` event's payload as validated at the gateway; its shape is the shared contract's. */
export class FrameDto implements FramePayload {
  // Checked bottom-up, first failure reported: the type before the bounds.
  @Max(Number.MAX_SAFE_INTEGER, { message: 'seq must be at most 2^53 - 1' })
  @Min(0, { message: 'seq must be 0 or more' })
  @IsInt({ message: 'seq must be a whole number' })
  seq!: number;

  @IsImagePayload()
  image!: ImagePayload;

  @IsOptional()
  @IsBoolean({ message: 'final must be true or false' })
  final?: boolean;

  @IsOptional()
  @IsBoolean({ message: 'preview must be true or false' })
  preview?: boolean;

  @IsOptional()
  @IsInsightRequest()
  insight?: InsightRequest;
}
