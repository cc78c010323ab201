import { describe, expect, it } from 'vitest';
import { base32hex, nsec3Hash } from './nsec3-hash';

describe('NSEC3 hash (RFC 5155 §5)', () => {
  // RFC 5155 Appendix A: salt aabbccdd, 12 iterations.
  it.each([
    ['example.', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
    ['a.example.', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
    ['*.w.example.', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
    // Case does not matter (RFC 4034 §6.2); checked with BIND's nsec3hash.
    ['X.W.EXAMPLE.', 'b4um86eghhds6nea196smvmlo4ors995'],
  ])('hashes %s as the RFC example does', (name, hash) => {
    expect(base32hex(nsec3Hash(name, Buffer.from('aabbccdd', 'hex'), 12))).toBe(hash);
  });

  it('writes base32hex without padding, in the order of the bytes', () => {
    expect(base32hex(Buffer.from('foobar'))).toBe('cpnmuoj1e8'); // RFC 4648 §10, lower case, no padding
    expect(base32hex(Buffer.alloc(20)) < base32hex(Buffer.alloc(20, 1))).toBe(true);
  });
});
