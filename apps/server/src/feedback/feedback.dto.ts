import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FeedbackPayload, ImagePayload } from '@live-digits/shared';
import { IsImagePayload } from '../common/validation';

/** A labelled drawing: the `feedback` event's payload and `POST /feedback`'s body. */
export class FeedbackDto implements FeedbackPayload {
  @IsImagePayload()
  image!: ImagePayload;

  @Max(9, { message: 'label must be a whole number from 0 to 9' })
  @Min(0, { message: 'label must be a whole number from 0 to 9' })
  @IsInt({ message: 'label must be a whole number from 0 to 9' })
  label!: number;

  @Max(9, { message: 'predicted must be a whole number from 0 to 9' })
  @Min(0, { message: 'predicted must be a whole number from 0 to 9' })
  @IsInt({ message: 'predicted must be a whole number from 0 to 9' })
  @IsOptional()
  predicted?: number;
}
