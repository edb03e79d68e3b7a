/**
 * The number on the canvas as the page shows it: every digit read, left to right, and which one
 * the 0–9 panels, the "Wrong?" feedback and the network's insides describe — the one the person
 * points at (hovering its place in the number or its box's tab), else the one they picked, else the first.
 */
import { computed, readonly, ref, watch, type Ref } from 'vue';
import type { DigitReading, PredictionPayload } from '@live-digits/shared';

/** The digits of an answer, each with its insight (the answer's top-level one stands for the first digit's). */
export function digitsOf(prediction: PredictionPayload | null): DigitReading[] {
  const digits = prediction?.number?.digits ?? [];
  return digits.map((digit, index) =>
    digit.insight || index > 0 || !prediction?.insight ? digit : { ...digit, insight: prediction.insight },
  );
}

export function useNumberReading(prediction: Readonly<Ref<PredictionPayload | null>>) {
  const selectedIndex = ref(0);
  const pointedIndex = ref<number | null>(null);

  const digits = computed(() => digitsOf(prediction.value));
  const text = computed(() => prediction.value?.number?.text ?? '');

  const clamp = (index: number) => Math.min(Math.max(index, 0), digits.value.length - 1);
  /** The digit described: pointed at, else picked (the last one while the number is shorter), else the first. */
  const shownIndex = computed(() => (digits.value.length === 0 ? null : clamp(pointedIndex.value ?? selectedIndex.value)));
  const shown = computed(() => (shownIndex.value === null ? null : digits.value[shownIndex.value]));

  // A wiped drawing starts again from its first digit.
  watch(
    () => prediction.value === null,
    (none) => {
      if (none) [selectedIndex.value, pointedIndex.value] = [0, null];
    },
    { flush: 'sync' },
  );

  return {
    digits,
    text,
    shown,
    shownIndex,
    selectedIndex: readonly(selectedIndex),
    /** A click or tap on a digit (in the number or its box on the canvas). */
    select: (index: number) => {
      selectedIndex.value = index;
      pointedIndex.value = null;
    },
    /** Hovering a digit; null when the pointer leaves it. */
    point: (index: number | null) => (pointedIndex.value = index),
  };
}

export type NumberReadingView = ReturnType<typeof useNumberReading>;
