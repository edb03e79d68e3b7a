import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { FEEDBACK_ERROR_CODES, FRAME_ERROR_CODES, MAX_DIGITS } from '@live-digits/shared';
import { HTTP_ERROR_CODES } from './client-error.filter';

const CODES = [...new Set<string>([...FRAME_ERROR_CODES, ...FEEDBACK_ERROR_CODES, ...HTTP_ERROR_CODES])];

/** Every HTTP error's body, for the OpenAPI document (the filters in this folder write it). */
export class ApiErrorDto {
  @ApiProperty({ enum: CODES, description: 'Stable, machine-readable' })
  code!: string;

  @ApiProperty({ description: 'A sentence a person understands', example: 'The data is not a PNG, JPEG or WebP image.' })
  message!: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: INVALID_PAYLOAD, INVALID_IMAGE or IMAGE_TOO_LARGE',
  401: 'UNAUTHORIZED: a missing or wrong bearer token',
  422: `TOO_MANY_DIGITS: more than ${MAX_DIGITS} digits on the image`,
  429: 'RATE_LIMITED: too many requests from this address; see Retry-After',
  500: 'STORAGE_FAILED or INTERNAL_ERROR',
  503: 'MODEL_UNAVAILABLE: no model is loaded yet',
  507: 'STORAGE_FULL: the feedback folder reached its quota',
};

/** The `{ code, message }` answers a route can give, by status. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, type: ApiErrorDto, description: DESCRIPTIONS[status] })));
}
