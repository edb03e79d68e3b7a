import { payloadShapeProblem } from './payload-shape';

describe('payloadShapeProblem', () => {
  it('passes the contract’s payloads and anything that is not an object (the ValidationPipe judges those)', () => {
    expect(payloadShapeProblem({ seq: 1, image: Buffer.alloc(10), final: true, preview: true })).toBeUndefined();
    expect(payloadShapeProblem({ image: 'x', label: 1, predicted: 2 })).toBeUndefined();
    expect(payloadShapeProblem('hello')).toBeUndefined();
    expect(payloadShapeProblem(undefined)).toBeUndefined();
  });

  it('stops at the first excess, however large the payload', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) wide[`k${i}`] = 0;
    expect(payloadShapeProblem(wide)).toBe('it has more than 32 fields');
    expect(payloadShapeProblem({ image: new Array(1_000_000).fill(0) })).toBe('it has more than 32 fields');
  });

  it('bounds nesting without recursing', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(payloadShapeProblem(deep)).toBe('it is nested more than 4 levels deep');
    expect(payloadShapeProblem({ a: { b: { c: { d: 1 } } } })).toBeUndefined();
  });
});
