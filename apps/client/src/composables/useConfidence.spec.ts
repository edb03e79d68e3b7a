import { ref } from 'vue';
import { inScope } from '../testing/scope';
import { nextCertainty, SURE_AGAIN_FROM, UNSURE_BELOW, useConfidence } from './useConfidence';

/** Ten probabilities with `top` on `first`, `second` on `runnerUp`, the rest shared out. */
function answer(first: number, top: number, runnerUp: number, second: number): number[] {
  const rest = (1 - top - second) / 8;
  return Array.from({ length: 10 }, (_, d) => (d === first ? top : d === runnerUp ? second : rest));
}

function setup() {
  const probabilities = ref<readonly number[] | null>(null);
  const isFinal = ref(false);
  const { result: sut } = inScope(() => useConfidence({ probabilities, isFinal }));
  /** Plays one answer from the server. */
  const show = (p: readonly number[] | null, final: boolean) => {
    probabilities.value = p;
    isFinal.value = final;
  };
  return { sut, show };
}

describe(nextCertainty.name, () => {
  const sut = nextCertainty;

  it('judges final answers and a first answer on the threshold alone', () => {
    for (const shown of ['sure', 'unsure', null] as const) {
      expect(sut(shown, UNSURE_BELOW - 0.01, true)).toBe('unsure');
      expect(sut(shown, UNSURE_BELOW, true)).toBe('sure');
    }
    expect(sut(null, 0.59, false)).toBe('unsure');
    expect(sut(null, 0.65, false)).toBe('sure');
  });

  it('holds its state between the two thresholds while the pen moves', () => {
    expect(sut('sure', 0.65, false)).toBe('sure');
    expect(sut('unsure', 0.65, false)).toBe('unsure');
    expect(sut('unsure', SURE_AGAIN_FROM, false)).toBe('sure');
    expect(sut('sure', UNSURE_BELOW - 0.01, false)).toBe('unsure');
  });
});

describe(useConfidence.name, () => {
  it('calls a confident answer confident, and a doubtful one a question between the two leading digits', () => {
    const { sut, show } = setup();
    show(answer(4, 0.97, 9, 0.02), true);
    expect(sut.certainty.value).toBe('sure');
    expect(sut.caption.value).toBe('confident · 97%');

    show(answer(9, 0.48, 4, 0.41), true);
    expect(sut.certainty.value).toBe('unsure');
    expect(sut.leading.value).toEqual([9, 4]);
    expect(sut.caption.value).toBe('not sure · 48%');
  });

  it('does not flicker while the pen moves: live answers wandering around 60% keep the state shown', () => {
    const { sut, show } = setup();
    const states: (string | null)[] = [];
    for (const top of [0.9, 0.62, 0.58, 0.63, 0.66, 0.61, 0.64, 0.69, 0.72, 0.65, 0.61]) {
      show(answer(7, top, 1, (1 - top) / 2), false);
      states.push(sut.certainty.value);
    }
    expect(states).toEqual(['sure', 'sure', 'unsure', 'unsure', 'unsure', 'unsure', 'unsure', 'unsure', 'sure', 'sure', 'sure']);
  });

  it('announces the answer to the finished drawing as the page shows it, a question when unsure', () => {
    const { sut, show } = setup();
    show(answer(4, 0.59, 9, 0.35), false);
    expect(sut.announcement.value).toBe(''); // mid-stroke: nothing to announce yet

    show(answer(4, 0.59, 9, 0.35), true);
    expect(sut.announcement.value).toBe('4 or 9? Not sure, 59 percent.');

    show(answer(4, 0.97, 9, 0.02), true);
    expect(sut.announcement.value).toBe('Looks like a 4. Confident, 97 percent.');

    show(null, true);
    expect(sut.announcement.value).toBe('');
  });

  it('judges the answer to the finished drawing on its own, and forgets the state with the guess', () => {
    const { sut, show } = setup();
    show(answer(7, 0.5, 1, 0.3), false);
    expect(sut.certainty.value).toBe('unsure');
    show(answer(7, 0.64, 1, 0.3), true);
    expect(sut.certainty.value).toBe('sure');

    show(null, false);
    expect(sut.certainty.value).toBeNull();
    expect(sut.leading.value).toBeNull();
    expect(sut.caption.value).toBe('');
  });
});
