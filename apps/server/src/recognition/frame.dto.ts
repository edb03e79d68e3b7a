import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FramePayload, ImagePayload } from '@live-digits/shared';
import { IsImagePayload } from '../common/validation';

/** The `frame` event's payload as validated at the gateway; its shape is the shared contract's. */
export class FrameDto implements FramePayload {
  @IsInt({ message: 'seq must be a whole number' })
  @Min(0, { message: 'seq must be 0 or more' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'seq must be a safe integer' })
  seq!: number;

  @IsImagePayload()
  image!: ImagePayload;

  @IsOptional()
  @IsBoolean({ message: 'final must be true or false' })
  final?: boolean;

  @IsOptional()
  @IsBoolean({ message: 'preview must be true or false' })
  preview?: boolean;
}
