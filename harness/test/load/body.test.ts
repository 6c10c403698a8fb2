import { describe, expect, it } from 'vitest';
import { compileBody } from '../../src/load/body.ts';
import { seededUint32 } from '../../src/load/random.ts';

describe('request body templates', () => {
  it('has no body when the spec has none', () => {
    expect(compileBody(undefined, 1)(0)).toBeUndefined();
  });

  it('serialises a body without placeholders once, unchanged', () => {
    const render = compileBody({ rider: 'r-1', seats: 2 }, 1);
    expect(render(0)).toBe('{"rider":"r-1","seats":2}');
    expect(render(7)).toBe(render(0));
  });

  it('substitutes the request number for {{seq}} in every string', () => {
    const render = compileBody({ id: 'trip-{{seq}}', nested: ['{{seq}}', { again: 'x{{seq}}y' }] }, 1);
    expect(JSON.parse(render(42)!)).toEqual({ id: 'trip-42', nested: ['42', { again: 'x42y' }] });
  });

  it('draws {{rand}} from the seed: same seed same values, distinct per request and per slot', () => {
    const body = { a: '{{rand}}', b: '{{rand}}' };
    const first = JSON.parse(compileBody(body, 7)(3)!);
    expect(first).toEqual(JSON.parse(compileBody(body, 7)(3)!));
    expect(first.a).toBe(String(seededUint32(7, 3, 0)));
    expect(first.a).not.toBe(first.b);
    expect(JSON.parse(compileBody(body, 7)(4)!).a).not.toBe(first.a);
    expect(JSON.parse(compileBody(body, 8)(3)!).a).not.toBe(first.a);
  });

  it('spreads seeded values over the 32-bit range', () => {
    const values = Array.from({ length: 2000 }, (_, seq) => seededUint32(1, seq));
    expect(new Set(values).size).toBeGreaterThan(1990);
    const highHalf = values.filter((v) => v >= 2 ** 31).length;
    expect(highHalf).toBeGreaterThan(850);
    expect(highHalf).toBeLessThan(1150);
  });

  it('cycles {{cycle:N}} through 1…N in request order, next to the other placeholders', () => {
    const render = compileBody({ passengerId: 'p-{{cycle:3}}', trip: 't-{{seq}}' }, 1);
    const ids = [0, 1, 2, 3, 4, 5, 6].map((seq) => (JSON.parse(render(seq)!) as { passengerId: string }).passengerId);
    expect(ids).toEqual(['p-1', 'p-2', 'p-3', 'p-1', 'p-2', 'p-3', 'p-1']);
    expect(JSON.parse(render(4)!)).toEqual({ passengerId: 'p-2', trip: 't-4' });
  });
});
