// `zonekeeper zone set ZONE --update-policy RULE …` and `zone status` as an
// operator runs them: a real process against this file's database, checked
// with exit codes, what it prints and what the worker would read.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUpdatePolicy, updateRefusal } from '../zones/update-policy';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

function zk(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('zonekeeper zone set --update-policy', () => {
  // Each command is a fresh process (a couple of seconds under tsx), hence the long timeout.
  it('sets the rules in order, shows them in zone status and clears them with none', { timeout: 120_000 }, async () => {
    expect(zk(['zone', 'create', 'up.cli.test']).code).toBe(0);
    expect(zk(['tsig', 'add', 'acme-up', 'hmac-sha256']).code).toBe(0);

    const set = zk(['zone', 'set', 'up.cli.test', '--update-policy', 'deny acme-up name _acme-challenge.www', '--update-policy', 'grant acme-up subdomain _acme-challenge TXT']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/^Updated up\.cli\.test\.$/m);
    const rules = await readUpdatePolicy('up.cli.test.');
    expect(updateRefusal(rules, 'acme-up.', 'up.cli.test.', { name: '_acme-challenge.up.cli.test.', type: 'TXT' })).toBeNull();
    expect(updateRefusal(rules, 'acme-up.', 'up.cli.test.', { name: '_acme-challenge.www.up.cli.test.', type: 'TXT' })).toMatch(/refused by the rule "deny acme-up\. name _acme-challenge\.www\.up\.cli\.test\."/);

    const status = zk(['zone', 'status', 'up.cli.test', '--events', '0']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^update policy:\s+deny acme-up\. name _acme-challenge\.www\.up\.cli\.test\.\n\s+grant acme-up\. subdomain _acme-challenge\.up\.cli\.test\. TXT$/m);

    expect(zk(['zone', 'set', 'up.cli.test', '--update-policy', 'none']).code).toBe(0);
    expect(await readUpdatePolicy('up.cli.test.')).toEqual([]);
    expect(zk(['zone', 'status', 'up.cli.test', '--events', '0']).stdout).toMatch(/^update policy:\s+none \(every DNS UPDATE is refused\)$/m);
  });

  it('refuses a bad rule naming its line, and none beside rules, changing nothing', { timeout: 120_000 }, async () => {
    expect(zk(['zone', 'create', 'bad-up.cli.test']).code).toBe(0);
    expect(zk(['tsig', 'add', 'bad-up-key', 'hmac-sha256']).code).toBe(0);
    expect(zk(['zone', 'set', 'bad-up.cli.test', '--update-policy', 'grant bad-up-key zonesub TXT']).code).toBe(0);

    const ghost = zk(['zone', 'set', 'bad-up.cli.test', '--update-policy', 'grant bad-up-key zonesub', '--update-policy', 'grant ghost zonesub']);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/update policy line 2: there is no TSIG key ghost\.; create it first with: zonekeeper tsig add ghost\. hmac-sha256/);

    const mixed = zk(['zone', 'set', 'bad-up.cli.test', '--update-policy', 'none', '--update-policy', 'grant bad-up-key zonesub']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/--update-policy none clears the policy and takes no other rules/);

    expect((await readUpdatePolicy('bad-up.cli.test.')).map((r) => r.types)).toEqual([['TXT']]);
  });
});
