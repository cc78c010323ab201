// Change requests and approval rules (issue 21) through the mutations and the
// change service: create (validated like a commit), list, show against the
// zone as it is now, approve as one change, reject with a reason, withdraw;
// conflicts after a later change; nobody approves their own; outsiders refused
// on every action; rules enforced by applyChangeset itself, whoever calls it.
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import type { SessionUser } from '../auth/permission';
import { createUser, grantZone } from '../auth/users';
import { setSetting } from '../settings/mutations';
import { expectAppError } from '../testing/app-error';
import { applyChangeset } from '../zones/changes';
import { getZone } from '../zones/data';
import type { PendingEdit } from '../zones/edits';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { countRequestsToReview, getRequest, listRequests } from './data';
import { approveRequest, createRequest, rejectRequest, withdrawRequest } from './mutations';

const CLI = { name: 'cli' };
let admin: SessionUser;
let rita: SessionUser; // requester of every test zone
let eddie: SessionUser; // editor of every test zone
let erin: SessionUser; // a second editor of every test zone
let olga: SessionUser; // editor of another zone only
let vic: SessionUser; // viewer

const ZONES = ['req.example', 'conflict.example', 'rules.example', 'soa.example', 'other.example', 'own.example'];

beforeAll(async () => {
  admin = await createUser('ada', 'correct horse battery', 'admin');
  rita = await createUser('rita', 'correct horse battery', 'editor');
  eddie = await createUser('eddie', 'correct horse battery', 'editor');
  erin = await createUser('erin', 'correct horse battery', 'editor');
  olga = await createUser('olga', 'correct horse battery', 'editor');
  vic = await createUser('vic', 'correct horse battery', 'viewer');
  for (const z of ZONES) {
    await createZone({ name: z, nameservers: [`ns1.${z}.`] }, CLI);
    await setZoneOptions(z, { alsoNotify: ['192.0.2.53:5399'] }, CLI);
    if (z === 'other.example') {
      await grantZone('olga', z);
      continue;
    }
    await grantZone('rita', z, 'request');
    await grantZone('eddie', z);
    await grantZone('erin', z);
  }
});

async function serialOf(zone: string): Promise<number> {
  return (await getZone(zone))!.serial;
}

const add = (zone: string, name: string, content: string, type = 'A'): PendingEdit => ({ kind: 'add', record: { name: `${name}.${zone}.`, type, ttl: 300, content } });

describe('a change request', () => {
  it('is refused without a comment, and when its edits would not validate, with the editor’s per-edit problems', async () => {
    const serial = await serialOf('req.example');
    const noComment = await expectAppError(createRequest(rita, 'req.example', [add('req.example', 'www', '192.0.2.1')], serial, '  '), 'invalid');
    expect(noComment.fieldErrors.comment?.[0]).toMatch(/Write a comment/);
    const bad = await expectAppError(
      createRequest(rita, 'req.example', [add('req.example', 'www', '192.0.2.1'), add('req.example', 'www', 'elsewhere.example.', 'CNAME')], serial, 'two things at www'),
      'invalid',
    );
    expect(bad.recordErrors.map((e) => e.message).join()).toMatch(/CNAME and other data/);
    await expectAppError(createRequest(rita, 'req.example', [add('req.example', 'www', '192.0.2.1')], serial - 1, 'stale'), 'conflict');
    expect(await db().changeRequest.count()).toBe(0);
  });

  it('is listed to the zone’s editors, shown as a diff, approved as one change naming both people, with one NOTIFY round', async () => {
    const serial = await serialOf('req.example');
    const { id } = await createRequest(rita, 'req.example', [add('req.example', 'www', '192.0.2.1'), add('req.example', 'mail', '192.0.2.2')], serial, 'web and mail');

    expect((await listRequests(eddie)).toReview.map((r) => r.id)).toEqual([id]);
    expect(await countRequestsToReview(eddie)).toBe(1);
    expect(await countRequestsToReview(admin)).toBe(1);
    // The requester does not review their own; the editor of another zone and a viewer see none to review.
    expect(await countRequestsToReview(rita)).toBe(0);
    expect(await countRequestsToReview(olga)).toBe(0);
    expect(await countRequestsToReview(vic)).toBe(0);
    expect((await listRequests(rita)).mine.map((r) => [r.id, r.state])).toEqual([[id, 'open']]);

    const shown = await getRequest(eddie, id);
    expect(shown.now?.added.map((r) => `${r.name} ${r.content}`).sort()).toEqual(['mail.req.example. 192.0.2.2', 'www.req.example. 192.0.2.1']);
    expect(shown.now?.conflicts).toEqual([]);
    expect(shown.may).toEqual({ approve: true, reject: true, withdraw: false });
    expect((await getRequest(rita, id)).may).toEqual({ approve: false, reject: false, withdraw: true });

    const jobsBefore = await db().notifyJob.count();
    const r = await approveRequest(eddie, id, serial);
    expect(r).toMatchObject({ changed: true, oldSerial: serial, newSerial: serial + 1 });
    const change = await db().change.findUniqueOrThrow({ where: { id: r.changeId! } });
    expect(change).toMatchObject({ actor: 'eddie', userId: eddie.id, requestId: id, comment: 'web and mail' });
    expect(await db().notifyJob.count()).toBe(jobsBefore + 1);
    expect(await serialOf('req.example')).toBe(serial + 1);
    expect(await db().changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: 'approved', reviewerName: 'eddie', changeId: r.changeId });
    expect(await countRequestsToReview(eddie)).toBe(0);
    // Decided once: a second approval finds it so.
    await expectAppError(approveRequest(erin, id), 'conflict');
  });

  it('is refused to outsiders on every action, and a viewer reviews nothing', async () => {
    const { id } = await createRequest(rita, 'req.example', [add('req.example', 'ftp', '192.0.2.3')], await serialOf('req.example'), 'ftp');
    await expectAppError(getRequest(olga, id), 'not-found');
    await expectAppError(approveRequest(olga, id), 'not-found');
    await expectAppError(rejectRequest(olga, id, 'no'), 'not-found');
    await expectAppError(withdrawRequest(olga, id), 'not-found');
    await expectAppError(createRequest(olga, 'req.example', [add('req.example', 'x', '192.0.2.9')], await serialOf('req.example'), 'mine now'), 'not-found');
    await expectAppError(approveRequest(vic, id), 'forbidden');
    await expectAppError(rejectRequest(vic, id, 'no'), 'forbidden');
    await expectAppError(createRequest(vic, 'req.example', [add('req.example', 'x', '192.0.2.9')], await serialOf('req.example'), 'viewer'), 'forbidden');
    // Nor may the requester reject it (they withdraw), nor another withdraw it.
    await expectAppError(rejectRequest(rita, id, 'changed my mind'), 'forbidden');
    await expectAppError(withdrawRequest(eddie, id), 'forbidden');
    expect((await db().changeRequest.findUniqueOrThrow({ where: { id } })).state).toBe('open');
    await withdrawRequest(rita, id);
    expect((await listRequests(rita)).mine.find((r) => r.id === id)?.state).toBe('withdrawn');
    await expectAppError(approveRequest(eddie, id), 'conflict');
  });

  it('rejected needs a reason, which the requester sees', async () => {
    const { id } = await createRequest(rita, 'req.example', [add('req.example', 'old', '192.0.2.4')], await serialOf('req.example'), 'old host');
    await expectAppError(rejectRequest(eddie, id, ' '), 'invalid');
    await rejectRequest(eddie, id, 'that host is retired');
    const mine = (await listRequests(rita)).mine.find((r) => r.id === id);
    expect(mine).toMatchObject({ state: 'rejected', reason: 'that host is retired', reviewer: 'eddie' });
  });

  it('says which edit conflicts after a later change, and cannot be approved until then', async () => {
    const Z = 'conflict.example';
    await applyChangeset(Z, { add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.10' }, { name: 'api', type: 'A', ttl: 300, content: '192.0.2.20' }] }, CLI);
    const serial = await serialOf(Z);
    const edits: PendingEdit[] = [
      { kind: 'delete', record: { name: `www.${Z}.`, type: 'A', ttl: 300, content: '192.0.2.10' } },
      add(Z, 'new', '192.0.2.30'),
      { kind: 'change', from: { name: `api.${Z}.`, type: 'A', ttl: 300, content: '192.0.2.20' }, to: { name: `api.${Z}.`, type: 'A', ttl: 300, content: '192.0.2.21' } },
    ];
    const { id } = await createRequest(rita, Z, edits, serial, 'move things');
    // Someone changes www after the request was made.
    await applyChangeset(Z, { remove: [{ name: 'www', type: 'A', content: '192.0.2.10' }], add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.11' }] }, erin);
    const shown = await getRequest(eddie, id);
    expect(shown.now?.conflicts).toEqual([expect.objectContaining({ edit: 0, description: 'delete www A 192.0.2.10', message: expect.stringMatching(/no A record "192\.0\.2\.10" at www/) })]);
    expect(shown.may.approve).toBe(false);
    expect(shown.may.reject).toBe(true);
    const err = await expectAppError(approveRequest(eddie, id), 'conflict');
    expect(err.recordErrors[0]).toMatchObject({ record: 'delete www A 192.0.2.10' });
    expect(await db().change.count({ where: { requestId: id } })).toBe(0);
    expect((await db().changeRequest.findUniqueOrThrow({ where: { id } })).state).toBe('open');
  });
});

describe('approval rules, in the change service', () => {
  it('hold an editor’s apex NS change until another editor approves it; nobody approves their own', async () => {
    const Z = 'rules.example';
    await setSetting('approval', { apexNsSoa: true });
    try {
      const ns = { name: '@', type: 'NS', ttl: 3600, content: 'ns2.example.net.' };
      const err = await expectAppError(applyChangeset(Z, { add: [ns] }, { userId: eddie.id, name: 'eddie' }), 'approval-required');
      expect(err.message).toMatch(/apex NS of rules\.example\. need a second person/);
      // The dry run (the editor's live check) says so instead of refusing.
      const dry = await applyChangeset(Z, { add: [ns] }, { userId: eddie.id, name: 'eddie' }, { dryRun: true });
      expect(dry.approvalRequired?.map((n) => n.rule)).toEqual(['apex-ns-soa']);
      // Not subject: admins, the local operator (CLI), or changes elsewhere than the apex NS/SOA.
      expect((await applyChangeset(Z, { add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' }] }, { userId: eddie.id, name: 'eddie' })).changed).toBe(true);
      expect((await applyChangeset(Z, { add: [{ ...ns, content: 'ns3.example.net.' }] }, { userId: admin.id, name: 'ada' })).changed).toBe(true);
      expect((await applyChangeset(Z, { add: [{ ...ns, content: 'ns4.example.net.' }] }, CLI)).changed).toBe(true);

      const { id } = await createRequest(eddie, Z, [{ kind: 'add', record: { name: `${Z}.`, type: 'NS', ttl: 3600, content: 'ns2.example.net.' } }], await serialOf(Z), 'second name server');
      await expectAppError(approveRequest(eddie, id), 'forbidden');
      // Nor by naming the request to the change service directly.
      await expectAppError(applyChangeset(Z, { add: [ns] }, { userId: eddie.id, name: 'eddie', request: { id, requesterId: eddie.id } }), 'forbidden');
      const r = await approveRequest(erin, id);
      expect(r.changed).toBe(true);
      expect(await db().change.findUniqueOrThrow({ where: { id: r.changeId! } })).toMatchObject({ actor: 'erin', requestId: id });
    } finally {
      await setSetting('approval', {});
    }
  });

  it('hold deletions and big changesets, and a zone’s own rules win over the global ones', async () => {
    const Z = 'rules.example';
    const eddieActor = { userId: eddie.id, name: 'eddie' };
    await setSetting('approval', { deletions: true, maxRecords: 2 });
    try {
      const del = await expectAppError(applyChangeset(Z, { remove: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, eddieActor), 'approval-required');
      expect(del.message).toMatch(/deleting records \(www A 192\.0\.2\.1\)/);
      // A changed record is no deletion.
      expect((await applyChangeset(Z, { remove: [{ name: 'www', type: 'A', content: '192.0.2.1' }], add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.2' }] }, eddieActor)).changed).toBe(true);
      const big = [1, 2, 3].map((i) => ({ name: `h${i}`, type: 'A', ttl: 300, content: `192.0.2.${i}` }));
      const err = await expectAppError(applyChangeset(Z, { add: big }, eddieActor), 'approval-required');
      expect(err.message).toMatch(/touches 3 records; more than 2/);
      await setZoneOptions(Z, { approvalRules: { apexNsSoa: false, deletions: false, maxRecords: 0 } }, CLI);
      expect((await applyChangeset(Z, { add: big }, eddieActor)).changed).toBe(true);
      await setZoneOptions(Z, { approvalRules: null }, CLI);
      await expectAppError(applyChangeset(Z, { remove: [{ name: 'h1', type: 'A' }] }, eddieActor), 'approval-required');
    } finally {
      await setSetting('approval', {});
    }
  });

  it('NS and SOA restricted to admins: an editor is refused, and their request needs an admin approver', async () => {
    const Z = 'soa.example';
    await setSetting('approval', { nsSoaAdminsOnly: true });
    try {
      const zone = (await getZone(Z))!;
      const soa = { mname: zone.soa.mname, rname: zone.soa.rname, refresh: zone.soa.refresh, retry: zone.soa.retry, expire: zone.soa.expire, minimum: zone.soa.minimum, ttl: zone.soaTtl };
      const to = { ...soa, minimum: 60 };
      const err = await expectAppError(applyChangeset(Z, { soa: to }, { userId: eddie.id, name: 'eddie' }), 'approval-required');
      expect(err.message).toMatch(/only admins may change the SOA/);
      const { id } = await createRequest(rita, Z, [{ kind: 'soa', from: soa, to }], zone.serial, 'shorter negative TTL');
      const byEditor = await expectAppError(approveRequest(erin, id), 'approval-required');
      expect(byEditor.message).toMatch(/an admin has to approve this request/);
      expect((await db().changeRequest.findUniqueOrThrow({ where: { id } })).state).toBe('open');
      expect((await getRequest(erin, id)).may.approve).toBe(false);
      const r = await approveRequest(admin, id);
      expect(r.changed).toBe(true);
      expect((await getZone(Z))!.soa.minimum).toBe(60);
      // Other records stay the editors' own.
      expect((await applyChangeset(Z, { add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' }] }, { userId: eddie.id, name: 'eddie' })).changed).toBe(true);
    } finally {
      await setSetting('approval', {});
    }
  });
});
