import { scoreNumbers } from './number-scoring';

describe(scoreNumbers.name, () => {
  const sut = scoreNumbers;

  it('scores a hand-checked set by length, by kind of miss and digit by digit', () => {
    const result = sut([
      { label: '42', read: '42' }, // exact
      { label: '42', read: '47' }, // right count, one digit wrong
      { label: '170', read: '10' }, // a digit missed
      { label: '2026', read: '2026' }, // exact
      { label: '55555', read: null }, // refused: TOO_MANY_DIGITS
      { label: '7', read: '7' }, // a lone digit, exact
      { label: '8', read: '' }, // nothing read
      { label: '314', read: '3114' }, // a digit invented
    ]);

    expect(result).toMatchObject({ count: 8, exact: 3, accuracy: 3 / 8, tooFew: 2, tooMany: 1, tooManyDigits: 1 });
    expect(result.byLength).toEqual([
      { length: 1, count: 2, exact: 1, accuracy: 0.5, tooFew: 1, tooMany: 0, tooManyDigits: 0 },
      { length: 2, count: 2, exact: 1, accuracy: 0.5, tooFew: 0, tooMany: 0, tooManyDigits: 0 },
      { length: 3, count: 2, exact: 0, accuracy: 0, tooFew: 1, tooMany: 1, tooManyDigits: 0 },
      { length: 4, count: 1, exact: 1, accuracy: 1, tooFew: 0, tooMany: 0, tooManyDigits: 0 },
      { length: 5, count: 1, exact: 0, accuracy: 0, tooFew: 0, tooMany: 0, tooManyDigits: 1 },
    ]);
    // 42, 42 (read 47), 170, 2026 and 314: two exact of five.
    expect(result.twoToFour).toEqual({ count: 5, exact: 2, accuracy: 0.4 });

    // Read with the right count: 42, 47, 2026, 7 — nine digits, the 2 read as 7 the only miss.
    expect(result.digits.count).toBe(9);
    expect(result.digits.accuracy).toBeCloseTo(8 / 9, 10);
    expect(result.digits.confusionMatrix[2][7]).toBe(1);
    expect(result.digits.confusionMatrix[2][2]).toBe(3); // 42, and 2026's two 2s
    expect(result.digits.perClassAccuracy[2]).toBeCloseTo(3 / 4, 10);
    expect(result.digits.perClassAccuracy[1]).toBeNull();

    expect(result.misreadings).toEqual([
      { index: 1, label: '42', read: '47' },
      { index: 2, label: '170', read: '10' },
      { index: 4, label: '55555', read: null },
      { index: 6, label: '8', read: '' },
      { index: 7, label: '314', read: '3114' },
    ]);
  });

  it('has no accuracy to divide when nothing was read', () => {
    expect(sut([])).toMatchObject({ count: 0, accuracy: 0, byLength: [], twoToFour: { count: 0, exact: 0, accuracy: 0 } });
  });
});
