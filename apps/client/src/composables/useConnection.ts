/**
 * What the page shows about its link to the server, built on socket.io-client's reconnection:
 * `connecting` until the first connection, `live` while connected, `reconnecting` after losing it,
 * `offline` once several attempts in a row have failed (socket.io keeps trying in the background,
 * and the status returns to `live` by itself). Also which model the server says it is serving.
 */
import { readonly, ref } from 'vue';
import type { ModelPayload } from '@live-digits/shared';
import type { RecognitionSocket } from '../lib/socket';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Failed attempts in a row after which the page says `offline` rather than `reconnecting`. */
export const FAILURES_BEFORE_OFFLINE = 3;

type ConnectionSocket = Pick<RecognitionSocket, 'on' | 'connect' | 'connected' | 'active'> & {
  io: Pick<RecognitionSocket['io'], 'on'>;
};

export function useConnection(socket: ConnectionSocket) {
  const status = ref<ConnectionStatus>(socket.connected ? 'live' : 'connecting');
  const model = ref<ModelPayload | null>(null);
  let failuresInARow = 0;
  let everConnected = socket.connected;

  socket.on('connect', () => {
    everConnected = true;
    failuresInARow = 0;
    status.value = 'live';
  });

  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') {
      status.value = 'offline';
      return;
    }
    status.value = 'reconnecting';
    // A server that closes the socket itself (shutting down) is not retried by socket.io-client.
    if (reason === 'io server disconnect') socket.connect();
  });

  socket.on('connect_error', () => {
    failuresInARow += 1;
    if (!socket.active || failuresInARow >= FAILURES_BEFORE_OFFLINE) status.value = 'offline';
    else status.value = everConnected ? 'reconnecting' : 'connecting';
  });

  socket.io.on('reconnect_failed', () => {
    status.value = 'offline';
  });

  socket.on('model', (payload) => {
    model.value = payload;
  });

  return { status: readonly(status), model: readonly(model) };
}
