import { effectScope } from 'vue';

/** Runs a composable inside an effect scope, as a component would; `stop()` is the unmount. */
export function inScope<T>(setup: () => T): { result: T; stop: () => void } {
  const scope = effectScope();
  const result = scope.run(setup) as T;
  return { result, stop: () => scope.stop() };
}
