/** A minimal typed event hook: composables announce what happened, others subscribe. */
export interface EventHook<T> {
  on(listener: (value: T) => void): () => void;
  trigger(value: T): void;
}

export function createEventHook<T>(): EventHook<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    trigger(value) {
      for (const listener of [...listeners]) listener(value);
    },
  };
}
