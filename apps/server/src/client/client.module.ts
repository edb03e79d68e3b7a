import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AppConfig } from '../config/app.config';
import { PlaceholderController } from './placeholder.controller';

/** The server's own routes, which the client's single-page fallback must never answer. */
const API_ROUTES = ['/health', '/metrics', '/predict', '/feedback', '/socket.io/{*rest}'];

/** Serves the built Vue client at `/`, or a placeholder page while `CLIENT_DIR` has no index.html. */
@Module({})
export class ClientModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (existsSync(path.join(config.clientDir, 'index.html'))) {
      return { module: ClientModule, imports: [ServeStaticModule.forRoot({ rootPath: config.clientDir, exclude: API_ROUTES })] };
    }
    return { module: ClientModule, controllers: [PlaceholderController] };
  }
}
