/**
 * How many people are drawing right now across the whole deployment, as the server counts them
 * (`presence`, sent on connection and whenever the count changes). Unknown while disconnected.
 */
import { readonly, ref } from 'vue';
import type { RecognitionSocket } from '../lib/socket';

export function usePresence(socket: Pick<RecognitionSocket, 'on'>) {
  const drawing = ref<number | null>(null);

  socket.on('presence', (payload) => {
    drawing.value = payload.drawing;
  });
  socket.on('disconnect', () => {
    drawing.value = null;
  });

  return { drawing: readonly(drawing) };
}
