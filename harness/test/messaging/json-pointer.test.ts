import { describe, expect, it } from 'vitest';
import { JSON_POINTER_PATTERN, idReader, pointerTokens } from '../../src/util/json-pointer.ts';

describe('JSON pointers of the async: block', () => {
  it.each([
    ['/id', true],
    ['/payload/tripId', true],
    ['/a~1b/c~0d', true],
    ['/items/0/id', true],
    ['/', true], // the key '' of the top object
    ['', false],
    ['id', false],
    ['/a~2', false],
    ['/a~', false],
  ])('%j is a pointer: %s', (pointer, valid) => {
    expect(new RegExp(JSON_POINTER_PATTERN).test(pointer)).toBe(valid);
  });

  it('unescapes ~1 to / and ~0 to ~, in that order', () => {
    expect(pointerTokens('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1']);
  });

  it('reads strings and finite numbers as ids, and nothing else', () => {
    const doc = { id: 't-1', n: 42, empty: '', obj: {}, nul: null, list: [{ id: 'x' }], 'a/b': 'slash', payload: { tripId: 't-9' } };
    expect(idReader('/id')(doc)).toBe('t-1');
    expect(idReader('/n')(doc)).toBe('42');
    expect(idReader('/payload/tripId')(doc)).toBe('t-9');
    expect(idReader('/list/0/id')(doc)).toBe('x');
    expect(idReader('/a~1b')(doc)).toBe('slash');
    for (const missing of ['/empty', '/obj', '/nul', '/list/01/id', '/list/1/id', '/missing', '/id/deeper', '/toString'])
      expect(idReader(missing)(doc), missing).toBeUndefined();
    expect(idReader('/id')('t-1')).toBeUndefined();
    expect(idReader('/id')(null)).toBeUndefined();
  });
});
