// `zonekeeper request list|show|approve|reject` as an operator runs them: a
// real process against this file's database, with requests made through the
// library as the web app makes them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import type { SessionUser } from '../auth/permission';
import { createUser, grantZone } from '../auth/users';
import { zoneRightsById } from '../auth/zone-access';
import { createRequest } from '../requests/mutations';
import { applyChangeset } from '../zones/changes';
import { getZone } from '../zones/data';
import { createZone } from '../zones/zone-lifecycle';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');
const Z = 'req.cli.test.';

function zk(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let rita: SessionUser;

beforeAll(async () => {
  rita = await createUser('rita', 'correct horse battery', 'editor');
  await createUser('erin', 'correct horse battery', 'editor');
  await createUser('olga', 'correct horse battery', 'editor');
  await createZone({ name: Z, nameservers: [`ns1.${Z}`] }, { name: 'cli' });
  await applyChangeset(Z, { add: [{ name: 'old', type: 'A', ttl: 300, content: '192.0.2.9' }] }, { name: 'cli' });
  await grantZone('rita', Z, 'request');
  await grantZone('erin', Z);
});

describe('zonekeeper request', () => {
  it('lists, shows, approves as a named user and rejects with a reason', { timeout: 120_000 }, async () => {
    const serial = (await getZone(Z))!.serial;
    const a = await createRequest(rita, Z, [{ kind: 'add', record: { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' } }], serial, 'a web server');
    const b = await createRequest(rita, Z, [{ kind: 'delete', record: { name: `old.${Z}`, type: 'A', ttl: 300, content: '192.0.2.9' } }], serial, 'retire old');

    const list = zk(['request', 'list', '--zone', 'req.cli.test']);
    expect(list).toMatchObject({ code: 0 });
    expect(list.stdout).toMatch(new RegExp(`^${a.id}\\s+req\\.cli\\.test\\.\\s+open\\s+rita\\s+1\\s+.*a web server$`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${b.id}\\s+.*retire old$`, 'm'));

    const show = zk(['request', 'show', String(a.id)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/requested by rita/);
    expect(show.stdout).toMatch(/1\. add www A 192\.0\.2\.1/);
    expect(show.stdout).toMatch(/\+ www 300 A 192\.0\.2\.1/);

    // An editor of no zone of it may not; the requester may not approve their own.
    const outsider = zk(['request', 'approve', String(a.id), '--as', 'olga']);
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toMatch(/no change request/);
    expect(zk(['request', 'approve', String(a.id), '--as', 'rita']).code).toBe(1);

    const approve = zk(['request', 'approve', String(a.id), '--as', 'erin']);
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(new RegExp(`Approved change request ${a.id}\\.\\n${Z.replace(/\./g, '\\.')}: serial ${serial} → ${serial + 1}`));
    expect(await db().change.findFirstOrThrow({ where: { requestId: a.id } })).toMatchObject({ actor: 'erin' });
    expect(zk(['zone', 'status', Z]).stdout).toMatch(new RegExp(`by erin, requested by rita \\(request ${a.id}\\)`));

    expect(zk(['request', 'reject', String(b.id)]).code).toBe(1);
    const reject = zk(['request', 'reject', String(b.id), '--reason', 'still in use, by the mail relay']);
    expect(reject).toMatchObject({ code: 0, stdout: `Rejected change request ${b.id}.\n` });
    expect(await db().changeRequest.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ state: 'rejected', reviewerName: 'cli', reason: 'still in use, by the mail relay' });

    expect(zk(['request', 'list']).stdout).toBe('No open change requests to review.\n');
    const all = zk(['request', 'list', '--all']).stdout;
    expect(all).toMatch(new RegExp(`^${a.id}\\s+\\S+\\s+approved`, 'm'));
    expect(all).toMatch(new RegExp(`^${b.id}\\s+\\S+\\s+rejected`, 'm'));
  });

  it('grants at the request level, and sets a zone’s approval rules', { timeout: 120_000 }, async () => {
    const olga = await db().user.findUniqueOrThrow({ where: { name: 'olga' } });
    expect(zk(['user', 'grant', 'olga', Z, '--request']).stdout).toMatch(/request changes only/);
    expect(await zoneRightsById({ id: olga.id, role: 'editor' }, (await getZone(Z))!.id)).toEqual({ read: true, request: true, write: false });
    expect(zk(['user', 'grant', 'olga', Z]).code).toBe(0);
    expect(await zoneRightsById({ id: olga.id, role: 'editor' }, (await getZone(Z))!.id)).toEqual({ read: true, request: true, write: true });

    expect(zk(['zone', 'set', Z, '--approval', 'ns-soa,over=5']).code).toBe(0);
    expect(JSON.parse((await db().zone.findUniqueOrThrow({ where: { name: Z } })).approvalRules!)).toEqual({ apexNsSoa: true, deletions: false, maxRecords: 5 });
    const bad = zk(['zone', 'set', Z, '--approval', 'sometimes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"sometimes" is not an approval rule/);
    expect(zk(['zone', 'set', Z, '--approval', 'default']).code).toBe(0);
    expect((await db().zone.findUniqueOrThrow({ where: { name: Z } })).approvalRules).toBeNull();
  });
});
