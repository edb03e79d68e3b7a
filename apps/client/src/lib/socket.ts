import { io, type Socket } from 'socket.io-client';
import * as socketIoParser from 'socket.io-parser';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '@live-digits/shared';

export type RecognitionSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Binary parts one event may carry. Socket.IO's decoder refuses an event with more than 10 (and
 * drops the connection as a parse error), but a prediction with insight carries two planes and
 * every layer's activations for each digit, plus the first digit's again at the top level: up to
 * (MAX_DIGITS + 1) × (2 + layers). The page trusts its own server, so the bound is generous.
 */
export const MAX_EVENT_ATTACHMENTS = 256;

/** Socket.IO's own parser, its decoder allowing MAX_EVENT_ATTACHMENTS binary parts an event. */
export const recognitionParser = {
  protocol: socketIoParser.protocol,
  Encoder: socketIoParser.Encoder,
  Decoder: class extends socketIoParser.Decoder {
    constructor() {
      super({ maxAttachments: MAX_EVENT_ATTACHMENTS });
    }
  },
};

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
    parser: recognitionParser,
  });
}
