// Where the login sends the user next: a same-site path, never another site.
import { describe, expect, it } from 'vitest';
import { loginPath, safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  // Before: `/.//evil.example/pwned` passed (it starts with one slash), and the
  // browser, resolving the dot segment, went to //evil.example/pwned.
  it.each([
    ['//evil.example/x'],
    ['/.//evil.example/pwned'],
    ['/././/evil.example'],
    ['/a/..//evil.example'],
    ['/\\evil.example'],
    ['/\\/evil.example'],
    ['\\\\evil.example'],
    ['https://evil.example/'],
    ['http:evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/%2F%2Fevil.example'],
    ['/%2f/evil.example'],
    ['/%5Cevil.example'],
    ['/%252F%252Fevil.example'],
    ['/.%2F/evil.example'],
    ['/%09/evil.example'],
    ['/\t/evil.example'],
    ['/ /\n/evil.example'],
    ['/%ZZ'],
    ['/login'],
    ['/login?next=/zones'],
    [''],
    [42],
    [null],
  ])('refuses %j', (input) => {
    expect(safeReturnPath(input)).toBeNull();
  });

  it.each([
    ['/zones', '/zones'],
    ['/zones/example.test?q=www#top', '/zones/example.test?q=www#top'],
    ['/zones/./example.test', '/zones/example.test'],
    ['/zones/a%20b', '/zones/a%20b'],
    ['/settings/users/alice', '/settings/users/alice'],
  ])('keeps %j on the site as %j', (input, out) => {
    expect(safeReturnPath(input)).toBe(out);
  });

  it('every accepted path stays on this origin, whatever the browser makes of it', () => {
    const inputs = ['/.//x', '/a/../b', '/zones?next=//x', '/%2e%2e/zones', '/zones/%2e/x'];
    for (const input of inputs) {
      const out = safeReturnPath(input);
      if (out === null) continue;
      expect(new URL(out, 'https://zk.example').origin).toBe('https://zk.example');
      expect(out.startsWith('//')).toBe(false);
    }
  });
});

describe('loginPath', () => {
  it('carries a safe return path and drops an unsafe one', () => {
    expect(loginPath('/zones/example.test')).toBe('/login?next=%2Fzones%2Fexample.test');
    expect(loginPath('/.//evil.example')).toBe('/login');
    expect(loginPath()).toBe('/login');
  });
});
