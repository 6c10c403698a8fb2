import { describe, expect, it } from 'vitest';
import { toxiproxyVersionNumber } from '../../src/proxies/version.ts';

describe('toxiproxyVersionNumber', () => {
  it('reads the JSON body of current Toxiproxy (2.12)', () => {
    expect(toxiproxyVersionNumber('{"version": "2.12.0"}\n')).toBe('2.12.0');
  });
  it('keeps the bare version string of older releases', () => {
    expect(toxiproxyVersionNumber('2.5.0\n')).toBe('2.5.0');
  });
  it('shows anything else as sent, trimmed', () => {
    expect(toxiproxyVersionNumber(' {"name": "x"} ')).toBe('{"name": "x"}');
    expect(toxiproxyVersionNumber('{not json')).toBe('{not json');
  });
});
