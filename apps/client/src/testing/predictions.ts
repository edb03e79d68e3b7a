/**
 * Server answers for composable specs: a number of digits with boxes, and the network's insight
 * for a digit, shaped as the socket contract says (bytes as the browser receives them, ArrayBuffer).
 */
import type { DigitInsight, DigitReading, PixelBox, PredictionPayload } from '@live-digits/shared';

/** Ten probabilities with `confidence` on `digit` and the rest shared out. */
export function probabilitiesFor(digit: number, confidence = 0.9): number[] {
  return Array.from({ length: 10 }, (_, d) => (d === digit ? confidence : (1 - confidence) / 9));
}

/** An insight whose every byte is `fill` (so a spec can tell insights apart), for `digit`. */
export function insightFor(digit: number, fill = 100): DigitInsight {
  const bytes = (n: number) => new Uint8Array(n).fill(fill).buffer;
  return {
    digit,
    input: { width: 28, height: 28, data: bytes(784) },
    saliency: { width: 28, height: 28, data: bytes(784) },
    layers: [
      { name: 'conv2d', kind: 'conv', width: 26, height: 26, channels: 2, totalChannels: 8, channelIndices: [0, 5], data: bytes(2 * 676) },
      { name: 'dense', kind: 'dense', width: 16, height: 1, channels: 1, totalChannels: 1, channelIndices: [0], data: bytes(16) },
    ],
    placement: { scale: 0.1, dx: 4, dy: 4 },
  };
}

/** The answer to frame `seq` reading `text`, digit i boxed 200 px apart; `insight` gives each digit one. */
export function numberAnswer(
  seq: number,
  text: string,
  { insight = false, explained }: { insight?: boolean; explained?: number } = {},
): PredictionPayload {
  const digits: DigitReading[] = [...text].map((character, index) => {
    const digit = Number(character);
    const box: PixelBox = [50 + 200 * index, 100, 120, 200];
    return {
      digit,
      confidence: 0.9,
      probabilities: probabilitiesFor(digit),
      box,
      ...(insight ? { insight: insightFor(explained ?? digit, 10 * (index + 1)) } : {}),
    };
  });
  const first = digits[0] ?? null;
  return {
    seq,
    empty: digits.length === 0,
    digit: first?.digit ?? null,
    confidence: first?.confidence ?? null,
    probabilities: first?.probabilities ?? Array(10).fill(0),
    number: first ? { text, digits } : null,
    timings: { queueMs: 0, preprocessMs: 1, inferenceMs: 1, totalMs: 2 },
    modelId: 'test-model',
    ...(first?.insight ? { insight: first.insight } : {}),
  };
}
