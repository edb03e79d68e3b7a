import { Logger, UseFilters, UsePipes } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, FrameAck, ModelPayload, ServerToClientEvents } from '@live-digits/shared';
import { SocketAdmission } from '../common/socket-admission';
import { createValidationPipe } from '../common/validation';
import { MetricsService } from '../metrics/metrics.service';
import { FrameErrorFilter } from './frame-error.filter';
import { FrameDto } from './frame.dto';
import { FrameStreamService } from './frame-stream.service';
import { ModelService } from './model.service';

type RecognitionServer = Server<ClientToServerEvents, ServerToClientEvents>;
type RecognitionSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/**
 * Routes the socket contract: `frame` in; `prediction`, `frame:error` and `model` out. Socket
 * options (path, transports, maxHttpBufferSize, CORS) come from the configured adapter.
 * Pipe and filter sit on the class because global ones do not reach gateways.
 */
@WebSocketGateway()
@UsePipes(createValidationPipe())
@UseFilters(FrameErrorFilter)
export class RecognitionGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RecognitionGateway.name);

  @WebSocketServer()
  private readonly server!: RecognitionServer;

  constructor(
    private readonly frames: FrameStreamService,
    private readonly models: ModelService,
    private readonly metrics: MetricsService,
    private readonly admission: SocketAdmission,
  ) {}

  afterInit(): void {
    this.models.onSwap(({ modelId, testAccuracy }) => this.server.local.emit('model', { modelId, testAccuracy }));
  }

  handleConnection(socket: RecognitionSocket): void {
    // Rate limit and payload shape for every event of this connection (feedback too), before Nest's pipeline.
    this.admission.attach(socket);
    this.frames.open(socket.id, {
      prediction: (payload) => socket.emit('prediction', payload),
      error: (payload) => socket.emit('frame:error', payload),
    });
    this.metrics.connectedSockets.inc();
    const model = this.models.info;
    if (model) socket.emit('model', { modelId: model.modelId, testAccuracy: model.testAccuracy } satisfies ModelPayload);
    this.logger.debug(`Socket ${socket.id} connected over ${socket.conn.transport.name}`);
  }

  handleDisconnect(socket: RecognitionSocket): void {
    this.frames.close(socket.id);
    this.metrics.connectedSockets.dec();
    this.logger.debug(`Socket ${socket.id} disconnected`);
  }

  @SubscribeMessage('frame')
  onFrame(@ConnectedSocket() socket: RecognitionSocket, @MessageBody() frame: FrameDto, @Ack() ack?: (answer: FrameAck) => void): void {
    this.frames.receive(socket.id, frame, performance.now(), typeof ack === 'function' ? ack : undefined);
  }
}
