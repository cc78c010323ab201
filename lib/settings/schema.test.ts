import { describe, expect, it } from 'vitest';
import { TSIG_ALGORITHMS as SIGNABLE } from '../dns/tsig';
import { createTsigKeyFormSchema, TSIG_ALGORITHMS } from './schema';

describe('the TSIG key form', () => {
  it('offers exactly the algorithms the worker signs and verifies with', () => {
    expect([...TSIG_ALGORITHMS]).toEqual([...SIGNABLE]);
  });

  it('accepts hmac-md5, hmac-sha224 and hmac-sha384, and refuses a truncated variant', () => {
    const form = (algorithm: string) => createTsigKeyFormSchema.safeParse({ name: 'k', algorithm, source: 'generate', secret: '' });
    for (const a of ['hmac-md5', 'hmac-sha224', 'hmac-sha384']) expect(form(a).success).toBe(true);
    const bad = form('hmac-sha256-128');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/^Choose one of hmac-sha256, .*hmac-md5$/);
  });
});
