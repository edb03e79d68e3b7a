import { inScope } from '../testing/scope';
import { handleShortcut, useShortcuts, type KeyInput } from './useShortcuts';

function key(init: Partial<KeyInput> & { key: string }): KeyInput & { prevented: boolean } {
  const event = {
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    defaultPrevented: false,
    prevented: false,
    preventDefault: () => (event.prevented = true),
    ...init,
  };
  return event;
}

function actions() {
  return { clear: jest.fn(), undo: jest.fn() };
}

describe(handleShortcut.name, () => {
  it('Escape clears', () => {
    const sut = actions();

    expect(handleShortcut(key({ key: 'Escape' }), sut)).toBe(true);

    expect(sut.clear).toHaveBeenCalledTimes(1);
  });

  it.each([{ ctrlKey: true }, { metaKey: true }])('%o + Z undoes instead of the browser', (modifier) => {
    const sut = actions();
    const event = key({ key: 'z', ...modifier });

    handleShortcut(event, sut);

    expect(sut.undo).toHaveBeenCalledTimes(1);
    expect(event.prevented).toBe(true);
  });

  it.each([
    key({ key: 'z' }),
    key({ key: 'Z', ctrlKey: true, shiftKey: true }),
    key({ key: 'Escape', defaultPrevented: true }),
    key({ key: 'Escape', isComposing: true }),
  ])('leaves other keys alone: %o', (event) => {
    const sut = actions();

    expect(handleShortcut(event, sut)).toBe(false);

    expect(sut.clear).not.toHaveBeenCalled();
    expect(sut.undo).not.toHaveBeenCalled();
  });
});

describe(useShortcuts.name, () => {
  it('listens on the window for as long as the page lives', () => {
    const listeners = new Set<EventListener>();
    const target = {
      addEventListener: (_: string, listener: EventListener) => listeners.add(listener),
      removeEventListener: (_: string, listener: EventListener) => listeners.delete(listener),
    } as unknown as Window;
    const sut = actions();

    const { stop } = inScope(() => useShortcuts(target, sut));
    for (const listener of listeners) listener(key({ key: 'Escape' }) as unknown as Event);
    stop();

    expect(sut.clear).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(0);
  });
});
