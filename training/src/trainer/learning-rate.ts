/**
 * One-cycle schedule (Smith & Topin): a short cosine warm-up from max/25 to max, then a cosine
 * decay to max/1000. The high middle lets few epochs cover a lot of ground; the long tail lets
 * the weights settle, which is where the last tenths of a percent of MNIST accuracy come from.
 */
export function oneCycleLearningRate(step: number, totalSteps: number, maxRate: number, warmupFraction = 0.2): number {
  const warmupSteps = Math.max(1, Math.round(totalSteps * warmupFraction));
  const cosineBetween = (from: number, to: number, progress: number) => to + ((from - to) * (1 + Math.cos(Math.PI * progress))) / 2;
  if (step < warmupSteps) return cosineBetween(maxRate / 25, maxRate, step / warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return cosineBetween(maxRate, maxRate / 1000, progress);
}
