/**
 * "Inside the network": whether the person has the panel open (remembered), what frames ask for
 * while it is (the top guess's insides, or another digit's saliency: "why not 7?"), and the
 * insight to show — the last one received for the digit described, kept until the next arrives so
 * the pictures never blank between frames.
 */
import { computed, readonly, ref, shallowRef, watch, type Ref } from 'vue';
import type { DigitReading, InsightRequest } from '@live-digits/shared';
import { normaliseInsight, type Insight } from '../lib/insight-image';

export interface InsightOptions {
  /** Whether the panel is open (a remembered preference). */
  open: Ref<boolean>;
  /** Whether the saliency is laid over the drawing (a remembered preference). */
  overlay: Ref<boolean>;
  /** The digit the page describes; null with nothing on the canvas. */
  shown: Readonly<Ref<DigitReading | null>>;
  /** Every digit read, for the overlay (each with its own insight). */
  digits: Readonly<Ref<readonly DigitReading[]>>;
}

export function useInsight({ open, overlay, shown, digits }: InsightOptions) {
  /** The digit whose saliency the person asked to see instead of the guess's; null: the guess. */
  const explained = ref<number | null>(null);
  const insight = shallowRef<Insight | null>(null);

  const request = computed<InsightRequest | null>(() => {
    if (!open.value) return null;
    return explained.value === null ? true : { digit: explained.value };
  });

  watch(
    () => shown.value?.insight,
    (latest) => {
      if (latest) insight.value = normaliseInsight(latest);
    },
    { immediate: true, flush: 'sync' },
  );

  // A wiped drawing, or a closed panel, asks about the guess again next time.
  watch(
    [() => shown.value === null, open],
    ([none, isOpen]) => {
      if (none || !isOpen) explained.value = null;
    },
    { flush: 'sync' },
  );

  /** A row of the 0–9 panels: that digit's saliency, or back to the guess's (its own row, or the row chosen again). */
  function explain(digit: number): void {
    explained.value = digit === explained.value || digit === shown.value?.digit ? null : digit;
  }

  /** The saliency planes to lay over the drawing, one per digit that has them. */
  const overlayPlanes = computed(() => {
    if (!open.value || !overlay.value) return [];
    return digits.value.flatMap((digit) => (digit.insight ? [normaliseInsight(digit.insight)] : []));
  });

  return {
    open,
    overlay,
    request,
    explained: readonly(explained),
    explain,
    /** The insight shown in the panel: the digit described, its last received one. */
    insight: computed(() => (open.value ? insight.value : null)),
    /** Whether the insight shown is older than the drawing (the canvas was cleared since): shown dimmed. */
    isStale: computed(() => !shown.value?.insight),
    overlayPlanes,
  };
}

export type InsightView = ReturnType<typeof useInsight>;
