import type { IncomingMessage } from 'node:http';
import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { SOCKET_PATH } from '@live-digits/shared';
import { RECOGNITION_SERVER_PARSER } from '@live-digits/shared/protocol/socket-parser';
import { AppConfig } from '../config/app.config';
import { clientAddress } from '../rate-limit/address-throttler.guard';
import { SocketAdmission } from './socket-admission';

/**
 * Socket.IO options from the typed config rather than decorator constants: the contract's path
 * and both transports, an explicit message-size cap, the configured CORS origins, and a handshake
 * that turns away other origins and addresses cooling down after a flood.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  private socketAdmission: SocketAdmission | undefined;

  /** The recognition module's admission, looked up once (on the first handshake, when the app is up) rather than per handshake. */
  private admission(): SocketAdmission {
    return (this.socketAdmission ??= this.app.get<SocketAdmission>(SocketAdmission, { strict: false }));
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    return super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      transports: ['polling', 'websocket'],
      maxHttpBufferSize: transportBufferBytes(this.config.maxMessageBytes),
      parser: RECOGNITION_SERVER_PARSER,
      cors: { origin: this.config.corsOrigins, methods: ['GET', 'POST'] },
      // CORS only stops a browser reading a polling answer, and WebSocket has no CORS at all: the
      // Origin is checked on every transport's handshake (and on the upgrade to WebSocket).
      allowRequest: (request: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => {
        if (!originAllowed(request, this.config.corsOrigins)) return callback(`Origin ${request.headers.origin} is not allowed`, false);
        // A client just disconnected for flooding is turned away here, before a connection costs anything.
        const address = clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], this.config.trustProxyHops);
        const wait = this.admission().cooldownLeft(address);
        if (wait > 0) return callback(`This address was disconnected for flooding; connect again in ${Math.ceil(wait / 1000)} s`, false);
        callback(null, true);
      },
    });
  }
}

/**
 * Engine.IO's cap on one message (WebSocket) or one polling request. Long-polling sends binary as
 * base64, 4/3 of its size, so the cap sits that far above MAX_MESSAGE_BYTES: a message up to
 * MAX_MESSAGE_BYTES on any transport reaches the server, which answers an image over
 * MAX_IMAGE_BYTES with IMAGE_TOO_LARGE; only beyond this does Socket.IO close the connection.
 */
export function transportBufferBytes(maxMessageBytes: number): number {
  return Math.ceil((maxMessageBytes * 4) / 3) + 64 * 1024;
}

/**
 * A handshake without an Origin (a script, a native app) is not a browser page and passes; a page
 * passes when it is the server's own origin or a configured one.
 */
export function originAllowed(request: Pick<IncomingMessage, 'headers'>, allowed: string[] | true): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || allowed === true) return true;
  const host = request.headers.host;
  if (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowed.includes(origin);
}
