import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { SOCKET_PATH } from '@live-digits/shared';
import { AppConfig } from '../config/app.config';

/**
 * Socket.IO options from the typed config rather than decorator constants: the contract's path
 * and both transports, an explicit message-size cap, and the configured CORS origins.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    return super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      transports: ['polling', 'websocket'],
      // A larger message makes Socket.IO close the connection (it cannot be answered); below
      // this, an image over MAX_IMAGE_BYTES is answered with IMAGE_TOO_LARGE.
      maxHttpBufferSize: this.config.maxMessageBytes,
      cors: { origin: this.config.corsOrigins, methods: ['GET', 'POST'] },
    });
  }
}
