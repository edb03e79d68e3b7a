import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@live-digits/shared';
import { ModelSwapRelay } from './model-swap.relay';
import { PresenceService } from './presence.service';
import { RecognitionServer, SocketScaleOut } from './socket-scale-out';

/**
 * Wires the Socket.IO server to the other processes once it exists: the adapter
 * ({@link SocketScaleOut}), presence and model-swap announcements. A new client is told the
 * presence at once; everyone hears of changes from {@link PresenceService}.
 */
@WebSocketGateway()
export class ScaleGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    private readonly scaleOut: SocketScaleOut,
    private readonly presence: PresenceService,
    private readonly swaps: ModelSwapRelay,
  ) {}

  afterInit(io: RecognitionServer): void {
    this.scaleOut.attach(io);
    this.presence.attach(io);
    this.swaps.attach(io);
  }

  handleConnection(socket: Socket<ClientToServerEvents, ServerToClientEvents>): void {
    socket.emit('presence', this.presence.current);
  }
}
