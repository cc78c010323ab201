// `zonekeeper apikey add|list|delete` as an operator runs them: a real process
// against this file's database, checked with exit codes and with what the API
// would see (authenticateApiKey).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../auth/api-keys';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from '../auth/rate-limit';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

function zk(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const check = (secret: string) => authenticateApiKey(new Headers({ 'x-api-key': secret }), '192.0.2.1', new LoginThrottle(DEFAULT_LOGIN_LIMITS));

describe('zonekeeper apikey', () => {
  // Each command is a fresh process (a couple of seconds under tsx), hence the long timeout.
  it('adds a scoped key whose secret is printed once, lists it and revokes it', { timeout: 120_000 }, async () => {
    expect(zk(['zone', 'create', 'acme.cli.test']).code).toBe(0);
    const add = zk(['apikey', 'add', 'lego', '--zone', 'acme.cli.test', '--name', '_acme-challenge.*', '--type', 'TXT']);
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout).toMatch(/^Created API key lego: acme\.cli\.test; changes only TXT records at _acme-challenge\.\*\.$/m);
    expect(add.stdout).toMatch(/will not be shown again/);
    const secret = /^secret: (zk_\S+)$/m.exec(add.stdout)?.[1];
    expect(secret).toBeDefined();
    const principal = await check(secret!);
    expect(principal).toMatchObject({ ok: true, key: { name: 'lego', scope: { zones: ['acme.cli.test.'], names: ['_acme-challenge.*.'], types: ['TXT'], readOnly: false } } });

    const list = zk(['apikey', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^lego\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+cli\s+acme\.cli\.test; changes only TXT records/m);
    expect(list.stdout).not.toContain(secret!.slice(3));

    const del = zk(['apikey', 'delete', 'lego']);
    expect(del).toMatchObject({ code: 0 });
    expect(await check(secret!)).toMatchObject({ ok: false, status: 401 });
    expect(zk(['apikey', 'list']).stdout).toMatch(/No API keys/);
  });

  it('refuses what it cannot do, with exit status 1 and the reason', { timeout: 120_000 }, () => {
    const zone = zk(['apikey', 'add', 'k1', '--zone', 'missing.cli.test']);
    expect(zone.code).toBe(1);
    expect(zone.stderr).toMatch(/there is no zone missing\.cli\.test\./);
    const type = zk(['apikey', 'add', 'k2', '--type', 'NOPE', '--read-only']);
    expect(type.code).toBe(1);
    expect(type.stderr).toMatch(/NOPE is not a record type/);
    const missing = zk(['apikey', 'delete', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no API key named nobody/);
    const usage = zk(['apikey', 'add']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/apikey add needs NAME/);
    expect(usage.stderr).toMatch(/apikey list/);
    const ro = zk(['apikey', 'add', 'reader', '--read-only']);
    expect(ro.code).toBe(0);
    expect(ro.stdout).toMatch(/every zone; read-only/);
  });
});
