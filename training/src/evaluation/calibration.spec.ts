import { SeededRandom } from '@live-digits/digit-data/random';
import { CLASS_COUNT, IMAGE_PIXELS } from '@live-digits/shared/model/model-contract';
import { initGradientTensorFlow } from '@live-digits/shared/tf/gradients/wasm-gradient-kernels';
import { buildDigitNet } from '../model/digit-net';
import { calibrationFigures, fitTemperature, foldTemperature, predictLogits, softmaxRows } from './calibration';
import { argMaxRows, predictInChunks } from './predict';

/** A softmax row with `top` on `digit` and the rest spread evenly. */
function row(digit: number, top: number): number[] {
  return Array.from({ length: CLASS_COUNT }, (_, k) => (k === digit ? top : (1 - top) / (CLASS_COUNT - 1)));
}

describe(calibrationFigures.name, () => {
  it('matches a hand-checked example', () => {
    // Two answers 90% sure (one right, one wrong) and two 60% sure (both right), 15 bins:
    //   bin 13 [0.867, 0.933): confidence 0.9, accuracy 0.5 → |0.5 − 0.9| · 2/4 = 0.2
    //   bin  9 [0.600, 0.667): confidence 0.6, accuracy 1.0 → |1.0 − 0.6| · 2/4 = 0.2
    // ECE = 0.4; the right answers' confidences are 0.9, 0.6, 0.6, so their median is 0.6.
    const probabilities = Float32Array.from([...row(3, 0.9), ...row(5, 0.9), ...row(1, 0.6), ...row(7, 0.6)]);
    const sut = calibrationFigures(probabilities, [3, 2, 1, 7], 15);
    expect(sut.ece).toBeCloseTo(0.4, 6);
    expect(sut.medianConfidenceCorrect).toBeCloseTo(0.6, 6);
    expect(sut.reliability).toHaveLength(15);
    expect(sut.reliability[13]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(sut.reliability[13].confidence).toBeCloseTo(0.9, 6);
    expect(sut.reliability[9]).toMatchObject({ count: 2, accuracy: 1 });
    expect(sut.reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(4);
  });

  it('is 0 for answers exactly as sure as they are right', () => {
    // Four answers 75% sure, three of them right.
    const probabilities = Float32Array.from([...row(0, 0.75), ...row(1, 0.75), ...row(2, 0.75), ...row(3, 0.75)]);
    expect(calibrationFigures(probabilities, [0, 1, 2, 9]).ece).toBeCloseTo(0, 6);
  });
});

describe(fitTemperature.name, () => {
  it('recovers the temperature that generated the labels', () => {
    // Labels drawn from softmax(z / 2.5): the NLL is smallest at T ≈ 2.5.
    const random = new SeededRandom(11);
    const count = 20_000;
    const logits = Float32Array.from({ length: count * CLASS_COUNT }, () => random.uniform(-6, 6));
    const truth = softmaxRows(logits, 2.5);
    const labels = Array.from({ length: count }, (_, i) => {
      let u = random.next();
      for (let k = 0; k < CLASS_COUNT; k++) if ((u -= truth[i * CLASS_COUNT + k]) < 0) return k;
      return CLASS_COUNT - 1;
    });
    expect(fitTemperature(logits, labels)).toBeCloseTo(2.5, 1);
  });
});

describe(foldTemperature.name, () => {
  beforeAll(() => initGradientTensorFlow({ backend: 'wasm' }));

  it('makes the model output softmax(logits / T) with the same argmax', async () => {
    const model = buildDigitNet(5);
    const random = new SeededRandom(2);
    const images = { pixels: Float32Array.from({ length: 12 * IMAGE_PIXELS }, () => (random.next() < 0.2 ? random.next() : 0)), count: 12 };
    // Sharpen the untrained output layer so the probabilities are far from uniform.
    foldTemperature(model, 0.05);
    const logits = await predictLogits(model, images);
    const before = await predictInChunks(model, images);
    const temperature = 2.7;
    foldTemperature(model, temperature);
    const after = await predictInChunks(model, images);

    Array.from(softmaxRows(logits)).forEach((p, i) => expect(before[i]).toBeCloseTo(p, 5));
    Array.from(softmaxRows(logits, temperature)).forEach((p, i) => expect(after[i]).toBeCloseTo(p, 5));
    expect(Array.from(argMaxRows(after))).toEqual(Array.from(argMaxRows(before)));
    expect(Math.max(...after)).toBeLessThan(Math.max(...before));
    model.dispose();
  });
});
