/**
 * "Wrong? It's a …": the person names the right digit and the drawing goes to the server as a
 * labelled example (`feedback`, answered by an ack), which `train --feedback` learns from. With
 * several digits on the canvas it is about the digit described (the one picked): only that digit's
 * crop is sent, with its label, so the example is one digit as training needs.
 */
import { computed, readonly, ref, watch } from 'vue';
import type { FeedbackAck } from '@live-digits/shared';
import type { Drawing } from './useDrawing';
import type { NumberReadingView } from './useNumberReading';
import type { Recognizer } from './useRecognizer';
import type { DigitCropEncoder } from '../lib/png';
import type { RecognitionSocket } from '../lib/socket';
import type { DrawingContent } from '../lib/strokes';

export type FeedbackState = 'idle' | 'sending' | 'sent' | 'failed';

/** How long to wait for the server's ack before telling the person it did not arrive. */
export const FEEDBACK_TIMEOUT_MS = 5000;

export interface FeedbackOptions {
  socket: Pick<RecognitionSocket, 'timeout' | 'connected'>;
  drawing: Pick<Drawing, 'content' | 'onChange'>;
  recognizer: Pick<Recognizer, 'prediction' | 'hasGuess' | 'isFinal'>;
  encode: (content: DrawingContent) => Promise<ArrayBuffer>;
  /** The digits read and the one described; without it, feedback is about the whole drawing. */
  number?: Pick<NumberReadingView, 'digits' | 'shown' | 'selectedIndex'>;
  /** Cuts one digit out of the drawing by its box (needed with `number`). */
  encodeDigit?: DigitCropEncoder;
}

export function useFeedback({ socket, drawing, recognizer, encode, number, encodeDigit }: FeedbackOptions) {
  const state = ref<FeedbackState>('idle');
  const message = ref('');
  /** The label sent for this drawing, once the server has stored it. */
  const sentLabel = ref<number | null>(null);

  function forget(): void {
    state.value = 'idle';
    message.value = '';
    sentLabel.value = null;
  }

  // A changed drawing, or another digit of the number picked, is a new question: forget the answer about the old one.
  drawing.onChange(forget);
  if (number) watch(number.selectedIndex, forget);

  /** The one digit the feedback is about, when the canvas holds several; null: the whole drawing. */
  const oneOfSeveral = computed(() => (number && encodeDigit && number.digits.value.length > 1 ? number.shown.value : null));

  /** Offered once the pen is up and the model has answered about the finished drawing. */
  const isOffered = computed(() => state.value !== 'idle' || (recognizer.hasGuess.value && recognizer.isFinal.value));
  const canSend = computed(() => isOffered.value && recognizer.hasGuess.value && state.value !== 'sending' && state.value !== 'sent');

  async function send(label: number): Promise<void> {
    if (!canSend.value) return;
    const digit = oneOfSeveral.value;
    const predicted = (digit ? digit.digit : recognizer.prediction.value?.digit) ?? undefined;
    state.value = 'sending';
    message.value = '';
    let ack: FeedbackAck;
    try {
      const image = digit && encodeDigit ? await encodeDigit(drawing.content.value, digit.box) : await encode(drawing.content.value);
      ack = await socket.timeout(FEEDBACK_TIMEOUT_MS).emitWithAck('feedback', { image, label, predicted });
    } catch {
      state.value = 'failed';
      message.value = socket.connected ? 'The server did not answer; try again.' : 'Not connected; try again once live.';
      return;
    }
    if (ack.ok) {
      state.value = 'sent';
      sentLabel.value = label;
      message.value = `Thanks! Saved as a ${label} for the next training run.`;
    } else {
      state.value = 'failed';
      message.value = ack.message;
    }
  }

  return { state: readonly(state), message: readonly(message), sentLabel: readonly(sentLabel), isOffered, canSend, send };
}
