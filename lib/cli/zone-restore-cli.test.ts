// `zonekeeper zone delete | deleted | restore` as an operator runs them: real
// processes against this file's database, checked by what they print and by
// the zone that comes back (its records, its catalog, its history).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getZone, listChanges } from '../zones/data';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

function zk(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('zonekeeper zone deleted / restore', () => {
  it('lists a deleted zone and restores it into its catalog, refusing while the name is taken again', { timeout: 120_000 }, async () => {
    expect(zk(['zone', 'create', 'kept.cli.test', '--catalog', 'cat.kept.cli.test']).code).toBe(0);
    expect(zk(['record', 'add', '--comment', 'first web server', 'kept.cli.test', 'www', 'A', '300', '192.0.2.80']).code).toBe(0);
    const before = (await getZone('kept.cli.test'))!;

    const deleted = zk(['zone', 'delete', 'kept.cli.test']);
    expect(deleted).toMatchObject({ code: 0, stderr: '' });
    expect(deleted.stdout).toMatch(/restore it with: zonekeeper zone restore kept\.cli\.test\./);
    const list = zk(['zone', 'deleted']);
    expect(list.stdout).toMatch(/^ID +ZONE +KIND +RECORDS +DELETED \(UTC\) +BY +KEPT UNTIL$/m);
    expect(list.stdout).toMatch(/^#\d+ +kept\.cli\.test\. +primary +2 +\d{4}-\d\d-\d\d \d\d:\d\d +cli +\d{4}-\d\d-\d\d \d\d:\d\d$/m);

    expect(zk(['zone', 'create', 'kept.cli.test']).code).toBe(0);
    const refused = zk(['zone', 'restore', 'kept.cli.test']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/kept\.cli\.test\. exists again/);
    expect(zk(['zone', 'delete', 'kept.cli.test']).code).toBe(0);

    // By id: the first snapshot, the one with the record and the catalog.
    const id = /^#(\d+) +kept\.cli\.test\. +primary +2 /m.exec(zk(['zone', 'deleted']).stdout)![1];
    const restored = zk(['zone', 'restore', `#${id}`]);
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(restored.stdout).toMatch(/^Restored zone kept\.cli\.test\. with 2 records at serial \d+; back in catalog cat\.kept\.cli\.test\.\.$/m);
    const after = (await getZone('kept.cli.test'))!;
    expect(after.serial).toBeGreaterThan(before.serial);
    expect(after.records.map((r) => `${r.name} ${r.type} ${r.content}`)).toContain('www.kept.cli.test. A 192.0.2.80');
    expect((await listChanges(after.id)).items.map((c) => c.comment).slice(0, 2)).toEqual([expect.stringMatching(/^restored by cli/), 'first web server']);
    expect(zk(['zone', 'status', 'kept.cli.test', '--events', '0']).stdout).toMatch(/listed in the catalog cat\.kept\.cli\.test\./);
    expect(zk(['zone', 'deleted']).stdout).toMatch(/^#\d+ +kept\.cli\.test\. +primary +1 /m);
  });
});
