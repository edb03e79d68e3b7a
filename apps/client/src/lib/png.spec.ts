import { DIGIT_CROP_MARGIN, digitCropSquare } from './png';

describe(digitCropSquare.name, () => {
  it('cuts a square around the box, centred on it, with the margin on every side of its longer side', () => {
    // A digit 100 px wide and 200 px tall at (300, 100): a 280 px square (200 + 2 × 20%) around its centre (350, 200).
    expect(DIGIT_CROP_MARGIN).toBe(0.2);
    expect(digitCropSquare([300, 100, 100, 200])).toEqual({ x: 210, y: 60, side: 280 });
  });

  it('may reach past the drawing (the part outside is transparent), and never has an empty side', () => {
    expect(digitCropSquare([0, 0, 50, 50])).toEqual({ x: -10, y: -10, side: 70 });
    expect(digitCropSquare([5, 5, 0, 0]).side).toBe(1);
  });
});
