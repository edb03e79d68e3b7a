import { backingStoreSize } from './useCanvasRenderer';

describe(backingStoreSize.name, () => {
  it('gives the canvas one backing pixel per device pixel', () => {
    expect(backingStoreSize(400, 1)).toBe(400);
    expect(backingStoreSize(400, 2)).toBe(800);
    expect(backingStoreSize(358, 3)).toBe(1074);
  });

  it('falls back to 400 × 1 before layout, and caps huge zooms', () => {
    expect(backingStoreSize(0, 0)).toBe(400);
    expect(backingStoreSize(2000, 4)).toBe(1600);
  });
});
