// The API key store against a real SQLite database: the secret is shown once
// and only its hash kept, wrong, revoked and missing keys are refused, a key's
// scope comes back as the principal the API checks, failed checks are
// throttled per address, and last use is recorded without a write per request.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { expectAppError } from '../testing/app-error';
import { createZone } from '../zones/zone-lifecycle';
import { keyReachesZone, keyWriteRefusal } from './api-key-scope';
import { authenticateApiKey, createApiKey, deleteApiKey, LAST_USED_RESOLUTION_MS, listApiKeys } from './api-keys';
import { LoginThrottle, DEFAULT_LOGIN_LIMITS } from './rate-limit';

const freshThrottle = () => new LoginThrottle(DEFAULT_LOGIN_LIMITS);
const withKey = (secret: string) => new Headers({ 'x-api-key': secret });

describe('creating a key', () => {
  it('returns the secret once and stores only its SHA-256', async () => {
    const { key, secret } = await createApiKey({ name: 'Deploy-1' }, 'alice');
    expect(secret).toMatch(/^zk_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'deploy-1', createdBy: 'alice', lastUsedAt: null, scope: { zones: null, names: [], types: [], readOnly: false } });
    const row = await db().apiKey.findUniqueOrThrow({ where: { name: 'deploy-1' } });
    expect(JSON.stringify(row)).not.toContain(secret.slice(3));
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    // Nothing that lists keys hands the secret out again.
    expect(JSON.stringify(await listApiKeys())).not.toContain(secret.slice(3));
    // Two keys never share a secret.
    expect((await createApiKey({ name: 'deploy-2' }, 'alice')).secret).not.toBe(secret);
  });

  it('keeps the scope canonical: zones, name patterns and types as the API compares them', async () => {
    await createZone({ name: 'scope.example' }, { name: 'test' });
    const { key } = await createApiKey(
      { name: 'acme', zones: ['Scope.Example', 'scope.example.'], names: ['_ACME-challenge.*'], types: ['txt', 'TXT'], readOnly: false },
      'cli',
    );
    expect(key.scope).toEqual({ zones: ['scope.example.'], names: ['_acme-challenge.*.'], types: ['TXT'], readOnly: false });
    expect((await listApiKeys()).find((k) => k.name === 'acme')?.scope).toEqual(key.scope);
  });

  it('refuses bad input field by field, and a name taken', async () => {
    const bad = await expectAppError(createApiKey({ name: 'ok-name', zones: ['no-such-zone.example'], names: ['a..b'], types: ['BOGUS'] }, 'cli'), 'invalid');
    expect(bad.fieldErrors.zones?.[0]).toMatch(/no zone no-such-zone\.example\./);
    expect(bad.fieldErrors.names).toHaveLength(1);
    expect(bad.fieldErrors.types?.[0]).toMatch(/BOGUS is not a record type/);
    expect(await db().apiKey.count({ where: { name: 'ok-name' } })).toBe(0);
    const name = await expectAppError(createApiKey({ name: 'has space' }, 'cli'), 'invalid');
    expect(name.fieldErrors.name).toBeDefined();
    await createApiKey({ name: 'taken' }, 'cli');
    await expectAppError(createApiKey({ name: 'TAKEN' }, 'cli'), 'exists');
  });
});

describe('checking a request key', () => {
  it('accepts the key in X-API-Key or as a Bearer token, and refuses a wrong, a revoked or no key', async () => {
    const { secret } = await createApiKey({ name: 'checked' }, 'cli');
    const throttle = freshThrottle();
    const ok = await authenticateApiKey(withKey(secret), '192.0.2.1', throttle);
    expect(ok).toMatchObject({ ok: true, key: { name: 'checked' } });
    expect(await authenticateApiKey(new Headers({ authorization: `Bearer ${secret}` }), '192.0.2.1', throttle)).toMatchObject({ ok: true });

    // One character off. (Replacing the last with a fixed 'A' left the right key one run in 16, whose secret ends in A.)
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticateApiKey(withKey(wrong), '192.0.2.1', throttle)).toEqual({ ok: false, status: 401, error: 'Unauthorized' });
    expect(await authenticateApiKey(new Headers(), '192.0.2.1', throttle)).toEqual({ ok: false, status: 401, error: 'Unauthorized' });
    expect(await authenticateApiKey(withKey('x'.repeat(100_000)), '192.0.2.1', throttle)).toMatchObject({ ok: false, status: 401 });

    await deleteApiKey('checked');
    expect(await authenticateApiKey(withKey(secret), '192.0.2.1', throttle)).toMatchObject({ ok: false, status: 401 });
    await expectAppError(deleteApiKey('checked'), 'not-found');
  });

  it('gives a principal whose scope reaches its zone only', async () => {
    await createZone({ name: 'a-zone.example' }, { name: 'test' });
    await createZone({ name: 'b-zone.example' }, { name: 'test' });
    const { secret } = await createApiKey({ name: 'zone-a-only', zones: ['a-zone.example'], names: ['_acme-challenge.*'], types: ['TXT'] }, 'cli');
    const check = await authenticateApiKey(withKey(secret), '192.0.2.2', freshThrottle());
    if (!check.ok) throw new Error(`refused: ${check.error}`);
    expect(keyReachesZone(check.key, 'a-zone.example.')).toBe(true);
    expect(keyReachesZone(check.key, 'b-zone.example.')).toBe(false);
    expect(keyWriteRefusal(check.key, 'a-zone.example.', '_acme-challenge.www.a-zone.example.', 'TXT')).toBeNull();
    expect(keyWriteRefusal(check.key, 'a-zone.example.', 'www.a-zone.example.', 'A')).toMatch(/may change only/);
  });

  it('throttles an address after repeated wrong keys, even for the right key, while other addresses go on', async () => {
    const { secret } = await createApiKey({ name: 'throttled' }, 'cli');
    const throttle = freshThrottle();
    for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perPair.limit; i++) {
      expect(await authenticateApiKey(withKey(`zk_wrong${i}`), '198.51.100.7', throttle)).toMatchObject({ status: 401 });
    }
    const refused = await authenticateApiKey(withKey(secret), '198.51.100.7', throttle);
    expect(refused).toMatchObject({ ok: false, status: 429 });
    if (refused.ok) return;
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.error).toMatch(/Too many wrong API keys/);
    expect(await authenticateApiKey(withKey(secret), '198.51.100.8', throttle)).toMatchObject({ ok: true });
  });

  it('does not use up its budget with many good requests at once', async () => {
    const { secret } = await createApiKey({ name: 'busy' }, 'cli');
    const throttle = freshThrottle();
    const checks = await Promise.all(Array.from({ length: 50 }, () => authenticateApiKey(withKey(secret), '203.0.113.5', throttle)));
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it('records the last use, at most once a minute', async () => {
    const { secret } = await createApiKey({ name: 'used' }, 'cli');
    const lastUsed = async () => (await listApiKeys()).find((k) => k.name === 'used')!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    await authenticateApiKey(withKey(secret), '192.0.2.9', freshThrottle());
    const first = await lastUsed();
    expect(first!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // Within the minute: no new write.
    const recent = new Date(Date.now() - 10_000);
    await db().apiKey.update({ where: { name: 'used' }, data: { lastUsedAt: recent } });
    await authenticateApiKey(withKey(secret), '192.0.2.9', freshThrottle());
    expect((await lastUsed())!.getTime()).toBe(recent.getTime());

    // Older than that: brought up to date.
    const old = new Date(Date.now() - LAST_USED_RESOLUTION_MS - 5_000);
    await db().apiKey.update({ where: { name: 'used' }, data: { lastUsedAt: old } });
    await authenticateApiKey(withKey(secret), '192.0.2.9', freshThrottle());
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old.getTime() + LAST_USED_RESOLUTION_MS);
  });
});
