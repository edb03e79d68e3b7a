/**
 * Scoring numbers read off a canvas: a number counts only when every digit is read, in order, and
 * no digit is missed or invented. The misses are told apart by kind, since they have different
 * owners: too few or too many digits (or a refusal) is the segmentation's, a wrong digit in a
 * number read with the right count is the classifier's.
 */
import { ClassificationSummary, summarise } from './classification-summary';

/** One number: what was written, and what was read (`null`: refused as TOO_MANY_DIGITS; '' when nothing was read). */
export interface NumberOutcome {
  label: string;
  read: string | null;
}

export interface ExactFigures {
  count: number;
  /** Numbers read exactly. */
  exact: number;
  accuracy: number;
}

export interface NumberMisses {
  /** Fewer digits read than written (an empty reading included). */
  tooFew: number;
  /** More digits read than written. */
  tooMany: number;
  /** Refused with TOO_MANY_DIGITS. */
  tooManyDigits: number;
}

export interface NumberLengthFigures extends ExactFigures, NumberMisses {
  /** Digits written. */
  length: number;
}

export interface NumbersEvaluation extends ExactFigures, NumberMisses {
  /** One row per length written, shortest first. */
  byLength: NumberLengthFigures[];
  /** Numbers of two to four digits: the target. */
  twoToFour: ExactFigures;
  /** The digits of numbers read with the right count, place by place: the classifier's share. */
  digits: ClassificationSummary;
  /** Every number not read exactly, by its index in the set. */
  misreadings: Array<NumberOutcome & { index: number }>;
}

export function scoreNumbers(outcomes: readonly NumberOutcome[]): NumbersEvaluation {
  const figures = (subset: ReadonlyArray<NumberOutcome>): ExactFigures & NumberMisses => {
    const exact = subset.filter((o) => o.read === o.label).length;
    return {
      count: subset.length,
      exact,
      accuracy: subset.length ? exact / subset.length : 0,
      tooFew: subset.filter((o) => o.read !== null && o.read.length < o.label.length).length,
      tooMany: subset.filter((o) => o.read !== null && o.read.length > o.label.length).length,
      tooManyDigits: subset.filter((o) => o.read === null).length,
    };
  };
  const lengths = [...new Set(outcomes.map((o) => o.label.length))].sort((a, b) => a - b);
  const byLength = lengths.map((length) => ({ length, ...figures(outcomes.filter((o) => o.label.length === length)) }));
  const { count, exact, accuracy } = figures(outcomes.filter((o) => o.label.length >= 2 && o.label.length <= 4));

  const aligned = outcomes.filter((o) => o.read?.length === o.label.length);
  const writtenDigits = aligned.flatMap((o) => [...o.label].map(Number));
  const readDigits = aligned.flatMap((o) => [...o.read!].map(Number));
  return {
    ...figures(outcomes),
    byLength,
    twoToFour: { count, exact, accuracy },
    digits: summarise(writtenDigits, readDigits),
    misreadings: outcomes.flatMap((o, index) => (o.read === o.label ? [] : [{ index, ...o }])),
  };
}
