/** Escape clears; Ctrl+Z (⌘Z on a Mac) undoes the last stroke. */
import { onScopeDispose } from 'vue';

export interface ShortcutActions {
  clear(): void;
  undo(): void;
}

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** Already handled by something else (an open menu, an input method). */
  defaultPrevented: boolean;
  isComposing?: boolean;
  preventDefault(): void;
}

/** Returns whether the key was a shortcut (and was handled). */
export function handleShortcut(event: KeyInput, actions: ShortcutActions): boolean {
  if (event.defaultPrevented || event.isComposing) return false;
  if (event.key === 'Escape' && !event.ctrlKey && !event.metaKey && !event.altKey) {
    actions.clear();
    return true;
  }
  if (event.key.toLowerCase() === 'z' && (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey) {
    event.preventDefault(); // not the browser's own undo
    actions.undo();
    return true;
  }
  return false;
}

/** Listens on `target` (the window) for as long as the calling component or scope lives. */
export function useShortcuts(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, actions: ShortcutActions): void {
  const listener = (event: KeyboardEvent) => void handleShortcut(event, actions);
  target.addEventListener('keydown', listener);
  onScopeDispose(() => target.removeEventListener('keydown', listener));
}
