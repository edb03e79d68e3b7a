/**
 * How sure the page says the network is. Below UNSURE_BELOW the guess is shown as a question
 * between the two leading digits ("4 or 9?"); otherwise as a confident answer.
 *
 * Flicker: mid-stroke answers arrive every ~150 ms about a drawing that is still changing, and a
 * half-drawn digit's confidence wanders around any threshold. So a live answer only moves the page
 * from sure to unsure below UNSURE_BELOW and back only from SURE_AGAIN_FROM up (hysteresis); the
 * answer to the finished drawing is judged on the threshold alone, since it describes exactly what
 * is on the canvas and nothing follows it until the ink changes.
 */
import { computed, readonly, ref, watch, type Ref } from 'vue';

/** A guess whose top probability is below this is shown as a question. */
export const UNSURE_BELOW = 0.6;
/** While the pen moves, a question turns back into an answer only from this confidence. */
export const SURE_AGAIN_FROM = 0.7;

export type Certainty = 'sure' | 'unsure';

/**
 * The certainty to show for an answer whose top probability is `top`, given what is shown now:
 * the threshold for final answers and the first answer to a drawing, the hysteresis band between
 * live ones.
 */
export function nextCertainty(shown: Certainty | null, top: number, isFinal: boolean): Certainty {
  if (isFinal || shown === null) return top < UNSURE_BELOW ? 'unsure' : 'sure';
  if (shown === 'sure') return top < UNSURE_BELOW ? 'unsure' : 'sure';
  return top >= SURE_AGAIN_FROM ? 'sure' : 'unsure';
}

export interface ConfidenceSource {
  /** The ten probabilities of the answer shown; null when there is no guess. */
  probabilities: Readonly<Ref<readonly number[] | null>>;
  /** Whether that answer is about the finished drawing. */
  isFinal: Readonly<Ref<boolean>>;
}

export function useConfidence({ probabilities, isFinal }: ConfidenceSource) {
  const certainty = ref<Certainty | null>(null);

  /** The two most probable digits, most probable first. */
  const leading = computed<[number, number] | null>(() => {
    const p = probabilities.value;
    if (!p) return null;
    const order = [...p.keys()].sort((a, b) => p[b] - p[a] || a - b);
    return [order[0], order[1]];
  });
  const top = computed(() => (leading.value && probabilities.value ? probabilities.value[leading.value[0]] : null));

  // Synchronous: the certainty must change with the answer that caused it, never a tick later.
  watch(
    [top, isFinal],
    ([value, final]) => {
      certainty.value = value === null ? null : nextCertainty(certainty.value, value, final);
    },
    { immediate: true, flush: 'sync' },
  );

  /** "confident · 97%", "not sure · 52%", or '' with no guess. */
  const caption = computed(() => {
    if (top.value === null || certainty.value === null) return '';
    const percent = `${Math.round(top.value * 100)}%`;
    return certainty.value === 'sure' ? `confident · ${percent}` : `not sure · ${percent}`;
  });

  /**
   * What a screen reader hears once the finished drawing is answered: the guess as the page shows
   * it ("4", or the question "4 or 9?") with its caption, never more certain than the page looks.
   */
  const announcement = computed(() => {
    if (!isFinal.value || !leading.value || top.value === null || certainty.value === null) return '';
    const percent = `${Math.round(top.value * 100)} percent`;
    const [first, second] = leading.value;
    return certainty.value === 'sure' ? `Looks like a ${first}. Confident, ${percent}.` : `${first} or ${second}? Not sure, ${percent}.`;
  });

  return { certainty: readonly(certainty), leading, caption, announcement };
}
