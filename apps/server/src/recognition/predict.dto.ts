import { IsString, MinLength } from 'class-validator';

/** `POST /predict`'s body: the Flask seed projects' format, `{"image": "data:image/png;base64,…"}` or bare base64. */
export class PredictRequestDto {
  @IsString({ message: 'image must be a data URL or base64 string of a PNG, JPEG or WebP image' })
  @MinLength(1, { message: 'image must not be empty' })
  image!: string;
}

export interface PredictResponse {
  digit: number | null;
  probabilities: number[];
  confidence: number | null;
  empty: boolean;
}
