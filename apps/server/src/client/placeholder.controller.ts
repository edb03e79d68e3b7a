import { Controller, Get, Header, Inject, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { PLACEHOLDER_PAGE } from './placeholder.page';

@Controller()
export class PlaceholderController implements OnModuleInit {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    new Logger(PlaceholderController.name).warn(`No built client in ${this.config.clientDir}; serving a placeholder page at /`);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PLACEHOLDER_PAGE;
  }
}
