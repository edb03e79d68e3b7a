import { Controller, Get, Header } from '@nestjs/common';
import { PLACEHOLDER_PAGE } from './placeholder.page';

@Controller()
export class PlaceholderController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PLACEHOLDER_PAGE;
  }
}
