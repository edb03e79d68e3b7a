import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FeedbackPayload, ImagePayload } from '@live-digits/shared';
import { IsImagePayload } from '../common/validation';

/** A labelled drawing: the `feedback` event's payload and `POST /feedback`'s body. */
export class FeedbackDto implements FeedbackPayload {
  @ApiProperty({
    type: String,
    description: 'The canvas (at most 400×400) as a PNG, JPEG or WebP: a data URL or bare base64 (binary over the socket)',
    example: 'data:image/png;base64,iVBORw0KGgo…',
  })
  @IsImagePayload()
  image!: ImagePayload;

  @ApiProperty({ type: Number, minimum: 0, maximum: 9, description: 'The digit the drawing shows' })
  @Max(9, { message: 'label must be a whole number from 0 to 9' })
  @Min(0, { message: 'label must be a whole number from 0 to 9' })
  @IsInt({ message: 'label must be a whole number from 0 to 9' })
  label!: number;

  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 9, description: 'What the model guessed' })
  @Max(9, { message: 'predicted must be a whole number from 0 to 9' })
  @Min(0, { message: 'predicted must be a whole number from 0 to 9' })
  @IsInt({ message: 'predicted must be a whole number from 0 to 9' })
  @IsOptional()
  predicted?: number;
}

/** `POST /feedback`'s answer (the socket ack's success shape). */
export class FeedbackCreatedDto {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty({ example: '20261121T214917123Z-3f9a0c1e', description: 'The id the drawing is stored under' })
  id!: string;
}
