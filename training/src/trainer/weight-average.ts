/**
 * Weight averaging over the last epochs (stochastic weight averaging, Izmailov et al., 2018):
 * the mean of the weights at the end of each of the last epochs. Independently trained models
 * miss mostly the same drawings, so averaging buys less than an ensemble, but it costs one copy
 * of the weights per epoch and no extra training. The network has no batch normalisation, so the
 * mean needs no statistics recomputed.
 */
export class EpochWeightAverage {
  private sum: Float64Array | undefined;
  private readonly epochs: number[] = [];

  /** Averages epochs `from`…`last`; with `from` past `last` nothing is averaged. */
  constructor(
    readonly from: number,
    readonly last: number,
  ) {}

  /** The last `count` epochs of a run of `epochs` (all of them if it has fewer). */
  static lastEpochs(count: number, epochs: number): EpochWeightAverage {
    return new EpochWeightAverage(Math.max(1, epochs - count + 1), epochs);
  }

  /** Whether the weights at the end of `epoch` belong in the average. */
  includes(epoch: number): boolean {
    return epoch >= this.from && epoch <= this.last;
  }

  add(epoch: number, weights: Float32Array): void {
    if (!this.includes(epoch)) throw new RangeError(`Epoch ${epoch} is outside the averaged epochs ${this.from}–${this.last}`);
    this.sum ??= new Float64Array(weights.length);
    if (weights.length !== this.sum.length) throw new RangeError(`Expected ${this.sum.length} weights, got ${weights.length}`);
    for (let i = 0; i < weights.length; i++) this.sum[i] += weights[i];
    this.epochs.push(epoch);
  }

  /** Epochs added so far, in order. */
  get averaged(): readonly number[] {
    return this.epochs;
  }

  /** The mean of the weights added; undefined until two epochs are in (one is not an average). */
  mean(): Float32Array | undefined {
    if (!this.sum || this.epochs.length < 2) return undefined;
    const count = this.epochs.length;
    return Float32Array.from(this.sum, (v) => v / count);
  }
}
