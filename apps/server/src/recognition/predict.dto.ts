import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import type { DigitInsight } from '@live-digits/shared';

/** `POST /predict`'s body: the Flask seed projects' format, `{"image": "data:image/png;base64,…"}` or bare base64. */
export class PredictRequestDto {
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

export interface PredictResponse {
  digit: number | null;
  probabilities: number[];
  confidence: number | null;
  empty: boolean;
  /** With `?insight=1` and a digit drawn: the socket's insight, every plane's `data` as base64. */
  insight?: DigitInsight<string>;
}
