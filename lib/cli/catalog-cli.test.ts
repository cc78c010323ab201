// `zonekeeper catalog …` and the `--catalog`/`--group` options as an operator
// runs them: real processes against this file's database, checked by what
// they print and by the catalog's records.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getZone } from '../zones/data';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

function zk(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function members(catalog: string): Promise<string[]> {
  const z = await getZone(catalog);
  return (z?.records ?? []).filter((r) => r.type === 'PTR').map((r) => r.content).sort();
}

describe('zonekeeper catalog', () => {
  it('creates a catalog, lists zones in it with groups, shows them in status, and takes them out', { timeout: 120_000 }, async () => {
    const created = zk(['catalog', 'create', 'cat.cli.test']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^Created catalog cat\.cli\.test\. with serial \d+; it lists no zone yet\.$/m);
    expect(zk(['zone', 'create', 'one.cli.test', '--catalog', 'cat.cli.test', '--group', 'gold']).code).toBe(0);
    expect(zk(['zone', 'create', 'two.cli.test']).code).toBe(0);
    expect(zk(['zone', 'set', 'two.cli.test', '--catalog', 'cat.cli.test']).code).toBe(0);
    expect(await members('cat.cli.test')).toEqual(['one.cli.test.', 'two.cli.test.']);

    const status = zk(['zone', 'status', 'cat.cli.test', '--events', '0']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^catalog: +ours \(producer\): lists 2 zones/m);
    expect(status.stdout).toMatch(/^ {2}one\.cli\.test\. +gold +serial \d+$/m);
    expect(status.stdout).toMatch(/^ {2}two\.cli\.test\. +- +serial \d+$/m);
    expect(zk(['zone', 'status', 'one.cli.test', '--events', '0']).stdout).toMatch(/^catalog: +listed in the catalog cat\.cli\.test\., group gold$/m);
    expect(zk(['catalog', 'list']).stdout).toMatch(/^cat\.cli\.test\. +producer +\d+ +2$/m);

    // A move shows in status until the worker's clock ends it.
    expect(zk(['zone', 'set', 'two.cli.test', '--catalog', 'cat2.cli.test']).code).toBe(0);
    expect(zk(['zone', 'status', 'two.cli.test', '--events', '0']).stdout).toMatch(
      /^moving: +from the catalog cat\.cli\.test\. to cat2\.cli\.test\.: next, listed in the new catalog at \d{4}-/m,
    );
    expect(zk(['zone', 'set', 'two.cli.test', '--catalog', 'cat.cli.test']).stderr).toMatch(/is still moving from the catalog cat\.cli\.test\. to cat2\.cli\.test\./);
    expect(zk(['zone', 'set', 'two.cli.test', '--catalog', 'none']).code).toBe(0);
    expect(zk(['zone', 'set', 'two.cli.test', '--catalog', 'cat.cli.test']).code).toBe(0);
    expect(zk(['zone', 'set', 'one.cli.test', '--catalog', 'none']).code).toBe(0);
    expect(await members('cat.cli.test')).toEqual(['two.cli.test.']);
    // The catalog's records are not edited by hand.
    const edit = zk(['record', 'add', 'cat.cli.test', 'x.zones', 'PTR', '0', 'evil.test.']);
    expect(edit.code).toBe(1);
    expect(edit.stderr).toMatch(/is a catalog zone/);
    const del = zk(['zone', 'delete', 'cat.cli.test']);
    expect(del.code).toBe(1);
    expect(del.stderr).toMatch(/still lists 1 zone.*--catalog OTHER\|none/);
  });

  it('refuses a catalog that is an ordinary zone and a group without a catalog', { timeout: 60_000 }, () => {
    expect(zk(['zone', 'create', 'plain.cli.test']).code).toBe(0);
    const r = zk(['zone', 'create', 'x.plain.cli.test', '--catalog', 'plain.cli.test']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plain\.cli\.test\. is an ordinary zone, not a catalog of ours/);
    const g = zk(['zone', 'set', 'plain.cli.test', '--group', 'gold']);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/is in no catalog/);
  });
});
