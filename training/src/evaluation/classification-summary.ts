export interface ClassificationSummary {
  count: number;
  accuracy: number;
  /** Accuracy on the images of each digit 0–9 (null when a digit has no images). */
  perClassAccuracy: Array<number | null>;
  /** confusionMatrix[label][predicted] = count. */
  confusionMatrix: number[][];
}

export function summarise(labels: ArrayLike<number>, predictions: ArrayLike<number>): ClassificationSummary {
  const confusionMatrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (let i = 0; i < labels.length; i++) confusionMatrix[labels[i]][predictions[i]]++;
  const correct = confusionMatrix.reduce((sum, row, digit) => sum + row[digit], 0);
  const perClassAccuracy = confusionMatrix.map((row, digit) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? null : row[digit] / total;
  });
  return { count: labels.length, accuracy: labels.length ? correct / labels.length : 0, perClassAccuracy, confusionMatrix };
}
