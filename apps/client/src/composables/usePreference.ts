/**
 * A choice the person made that the page remembers across visits (the canvas shape, whether the
 * network's insides are shown), kept in localStorage. Storage that is missing, full or refused
 * (private browsing) only means the choice is forgotten next time, never an error.
 */
import { computed, ref, watch, type Ref, type WritableComputedRef } from 'vue';

export type PreferenceStore = Pick<Storage, 'getItem' | 'setItem'>;

function browserStore(): PreferenceStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // reading `localStorage` itself throws where storage is blocked
  }
}

/** One of `choices`, stored under `key`; an unknown stored value reads as `fallback`. */
export function usePreference<T extends string>(
  key: string,
  choices: readonly T[],
  fallback: T,
  store: PreferenceStore | null = browserStore(),
): Ref<T> {
  let stored: string | null = null;
  try {
    stored = store?.getItem(key) ?? null;
  } catch {
    stored = null;
  }
  const value = ref((choices as readonly string[]).includes(stored ?? '') ? (stored as T) : fallback) as Ref<T>;
  watch(value, (next) => {
    try {
      store?.setItem(key, next);
    } catch {
      // Full or refused: remembered for this visit only.
    }
  });
  return value;
}

/** An on/off choice, stored as "on" / "off". */
export function useSwitchPreference(key: string, fallback: boolean, store?: PreferenceStore | null): WritableComputedRef<boolean> {
  const choice = usePreference(key, ['on', 'off'] as const, fallback ? 'on' : 'off', store);
  return computed({ get: () => choice.value === 'on', set: (on) => (choice.value = on ? 'on' : 'off') });
}
