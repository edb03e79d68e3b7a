import { io, type Socket } from 'socket.io-client';
import { RECOGNITION_PARSER, SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '@live-digits/shared';

export type RecognitionSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The page's one socket, to the server that served it. WebSocket first (no long-polling round trip
 * before the first frame), polling if WebSocket fails. Reconnection is socket.io-client's own,
 * retried forever with a short, jittered back-off so a restarted server is found again quickly.
 */
export function connectToServer(): RecognitionSocket {
  return io({
    path: SOCKET_PATH,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.3,
    // A prediction with insight carries more binary planes than Socket.IO's default decoder takes.
    parser: RECOGNITION_PARSER,
  });
}
