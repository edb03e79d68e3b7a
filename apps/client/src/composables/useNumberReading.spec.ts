import { shallowRef } from 'vue';
import type { PredictionPayload } from '@live-digits/shared';
import { insightFor, numberAnswer } from '../testing/predictions';
import { inScope } from '../testing/scope';
import { digitsOf, useNumberReading } from './useNumberReading';

function setup() {
  const prediction = shallowRef<PredictionPayload | null>(null);
  const { result: sut } = inScope(() => useNumberReading(prediction));
  return { sut, prediction };
}

describe(useNumberReading.name, () => {
  it('reads nothing before an answer', () => {
    const { sut } = setup();

    expect(sut.text.value).toBe('');
    expect(sut.digits.value).toEqual([]);
    expect(sut.shown.value).toBeNull();
    expect(sut.shownIndex.value).toBeNull();
  });

  it('describes the first digit by default', () => {
    const { sut, prediction } = setup();

    prediction.value = numberAnswer(1, '2026');

    expect(sut.text.value).toBe('2026');
    expect(sut.digits.value.map((d) => d.digit)).toEqual([2, 0, 2, 6]);
    expect(sut.shownIndex.value).toBe(0);
    expect(sut.shown.value?.digit).toBe(2);
  });

  it('describes the digit picked, and the one pointed at while the pointer rests on it', () => {
    const { sut, prediction } = setup();
    prediction.value = numberAnswer(1, '2026');

    sut.select(3);
    expect(sut.shown.value?.digit).toBe(6);

    sut.point(1);
    expect(sut.shownIndex.value).toBe(1);
    expect(sut.shown.value?.digit).toBe(0);

    sut.point(null);
    expect(sut.shownIndex.value).toBe(3);
  });

  it('keeps the pick as the number grows, the last digit while it is shorter, and starts again from the first once wiped', () => {
    const { sut, prediction } = setup();
    prediction.value = numberAnswer(1, '202');
    sut.select(2);

    prediction.value = numberAnswer(2, '2026');
    expect(sut.shownIndex.value).toBe(2);
    prediction.value = numberAnswer(3, '20');
    expect(sut.shownIndex.value).toBe(1);

    prediction.value = null;
    prediction.value = numberAnswer(4, '2026');
    expect(sut.shownIndex.value).toBe(0);
  });
});

describe(digitsOf.name, () => {
  it("gives the first digit the answer's top-level insight when the digit has none of its own", () => {
    const answer = numberAnswer(1, '42');
    const insight = insightFor(4);

    const digits = digitsOf({ ...answer, insight });

    expect(digits[0].insight).toBe(insight);
    expect(digits[1].insight).toBeUndefined();
  });
});
