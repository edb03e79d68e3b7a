import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { MAX_DIGITS } from '@live-digits/shared';
import type { DigitInsight, DigitReading, NumberReading, PixelBox } from '@live-digits/shared';

/** `POST /predict`'s body: the Flask seed projects' format, `{"image": "data:image/png;base64,…"}` or bare base64. */
export class PredictRequestDto {
  @ApiProperty({
    description: 'A PNG, JPEG or WebP image as a data URL or bare base64',
    example: 'data:image/png;base64,iVBORw0KGgo…',
  })
  @IsString({ message: 'image must be a data URL or base64 string of a PNG, JPEG or WebP image' })
  @MinLength(1, { message: 'image must not be empty' })
  image!: string;
}

/** The query of `POST /predict`: `?insight=1` (or `true`) adds the network's insides to the answer. */
export class PredictQueryDto {
  @IsOptional()
  @IsIn(['1', 'true'], { message: 'insight must be 1 or true, or left out' })
  insight?: string;
}

const INSIGHT_DESCRIPTION =
  'Only with `?insight=1`: the network\'s insides for this digit (DigitInsight, docs/socket-contract.md "Insight"), every `data` base64';

/** One digit of the number, for the OpenAPI document (the socket's DigitReading, planes in base64). */
export class DigitReadingDto implements DigitReading<string> {
  @ApiProperty({ type: Number, minimum: 0, maximum: 9 })
  digit!: number;

  @ApiProperty({ type: Number, description: 'The probability of `digit`' })
  confidence!: number;

  @ApiProperty({ type: [Number], minItems: 10, maxItems: 10, description: 'Ten probabilities for digits 0–9, summing to 1' })
  probabilities!: number[];

  @ApiProperty({
    type: [Number],
    minItems: 4,
    maxItems: 4,
    example: [112, 80, 96, 210],
    description: "Where the digit's ink is: [x, y, width, height] in the submitted image's pixels",
  })
  box!: PixelBox;

  @ApiProperty({ type: Object, required: false, description: INSIGHT_DESCRIPTION })
  insight?: DigitInsight<string>;
}

export class NumberReadingDto implements NumberReading<string> {
  @ApiProperty({ example: '2026', description: 'The digits read, left to right' })
  text!: string;

  @ApiProperty({ type: [DigitReadingDto], minItems: 1, maxItems: MAX_DIGITS, description: 'Every digit, left to right' })
  digits!: DigitReadingDto[];
}

/** `POST /predict`'s answer: the seed projects' four fields (describing the first digit) and every digit in `number`. */
export class PredictResponseDto {
  @ApiProperty({ type: Number, minimum: 0, maximum: 9, nullable: true, description: 'The first (leftmost) digit; null when empty' })
  digit!: number | null;

  @ApiProperty({ type: [Number], minItems: 10, maxItems: 10, description: "The first digit's ten probabilities (all 0 when empty)" })
  probabilities!: number[];

  @ApiProperty({ type: Number, nullable: true, description: "The first digit's probability; null when empty" })
  confidence!: number | null;

  @ApiProperty({ description: 'Nothing drawn: no digit, every probability 0, number null' })
  empty!: boolean;

  @ApiProperty({ type: NumberReadingDto, nullable: true, description: 'Every digit on the image, left to right; null when empty' })
  number!: NumberReadingDto | null;

  @ApiProperty({ type: Object, required: false, description: `${INSIGHT_DESCRIPTION}; the first digit's` })
  insight?: DigitInsight<string>;
}

export type PredictResponse = PredictResponseDto;
