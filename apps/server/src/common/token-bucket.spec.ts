import { TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  it('lets a burst through, then the steady rate', () => {
    let now = 0;
    const sut = new TokenBucket(30, 30, () => now);
    const passed = Array.from({ length: 100 }, () => sut.tryTake()).filter(Boolean).length;
    expect(passed).toBe(30);
    now += 100; // 100 ms refill 3 tokens
    expect([sut.tryTake(), sut.tryTake(), sut.tryTake(), sut.tryTake()]).toEqual([true, true, true, false]);
  });

  it('never holds more than the burst', () => {
    let now = 0;
    const sut = new TokenBucket(10, 5, () => now);
    now += 60_000;
    expect(Array.from({ length: 10 }, () => sut.tryTake()).filter(Boolean)).toHaveLength(5);
  });
});
