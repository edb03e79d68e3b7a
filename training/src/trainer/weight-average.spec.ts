import { EpochWeightAverage } from './weight-average';

describe(EpochWeightAverage.name, () => {
  it('averages the weights of the last epochs, element by element', () => {
    const average = EpochWeightAverage.lastEpochs(3, 5);
    expect([1, 2, 3, 4, 5].filter((epoch) => average.includes(epoch))).toEqual([3, 4, 5]);
    average.add(3, Float32Array.from([1, -2, 0.5]));
    average.add(4, Float32Array.from([2, -4, 0.25]));
    average.add(5, Float32Array.from([6, 0, 0.25]));
    expect(Array.from(average.mean()!)).toEqual([3, -2, 1 / 3].map(Math.fround));
    expect(average.averaged).toEqual([3, 4, 5]);
  });

  it('averages every epoch of a run shorter than the count', () => {
    expect(EpochWeightAverage.lastEpochs(4, 2)).toMatchObject({ from: 1, last: 2 });
  });

  it('has no average of one epoch or none: 0 and 1 switch it off', () => {
    const one = EpochWeightAverage.lastEpochs(1, 12);
    one.add(12, Float32Array.from([1]));
    expect(one.mean()).toBeUndefined();
    const none = EpochWeightAverage.lastEpochs(0, 12);
    expect([...Array(12).keys()].some((i) => none.includes(i + 1))).toBe(false);
    expect(none.mean()).toBeUndefined();
  });

  it('refuses weights from an epoch it does not average, or of another length', () => {
    const average = EpochWeightAverage.lastEpochs(2, 4);
    expect(() => average.add(2, new Float32Array(3))).toThrow('Epoch 2 is outside the averaged epochs 3–4');
    average.add(3, new Float32Array(3));
    expect(() => average.add(4, new Float32Array(2))).toThrow('Expected 3 weights, got 2');
  });
});
