import { nextTick } from 'vue';
import { usePreference, useSwitchPreference, type PreferenceStore } from './usePreference';

function memoryStore(initial: Record<string, string> = {}): PreferenceStore & { values: Record<string, string> } {
  const values = { ...initial };
  return { values, getItem: (key) => values[key] ?? null, setItem: (key, value) => void (values[key] = value) };
}

describe(usePreference.name, () => {
  it('reads the stored choice, and stores a new one', async () => {
    const store = memoryStore({ canvas: 'wide' });

    const sut = usePreference('canvas', ['square', 'wide'] as const, 'square', store);
    expect(sut.value).toBe('wide');

    sut.value = 'square';
    await nextTick();
    expect(store.values.canvas).toBe('square');
  });

  it('falls back for an unknown stored value, and for storage that refuses', async () => {
    expect(usePreference('canvas', ['square', 'wide'] as const, 'square', memoryStore({ canvas: 'round' })).value).toBe('square');

    const refusing: PreferenceStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const sut = usePreference('canvas', ['square', 'wide'] as const, 'wide', refusing);
    expect(sut.value).toBe('wide');
    sut.value = 'square';
    await nextTick();
    expect(sut.value).toBe('square'); // remembered for this visit
  });
});

describe(useSwitchPreference.name, () => {
  it('is an on/off choice stored as "on" / "off"', async () => {
    const store = memoryStore();

    const sut = useSwitchPreference('insight', false, store);
    expect(sut.value).toBe(false);
    sut.value = true;
    await nextTick();

    expect(store.values.insight).toBe('on');
    expect(useSwitchPreference('insight', false, store).value).toBe(true);
  });
});
