// The server actions posted directly, with a real session (the cookie's
// token, as a browser sends it) and no page in front: an approval rule holds
// an editor's apex NS commit in the change service, the editor's dry run says
// so, a requester may not commit at all, and the request an editor makes
// instead is approved by a second editor through the review action.
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('next/headers', async () => (await import('../testing/next-actions')).nextHeaders);
vi.mock('next/cache', async () => (await import('../testing/next-actions')).nextCache);
vi.mock('next/navigation', async () => (await import('../testing/next-actions')).nextNavigation);

import { db } from '../db';
import { form, signIn } from '../testing/next-actions';
import type { SessionUser } from '../auth/permission';
import { createUser, grantZone } from '../auth/users';
import { saveApprovalSettingsAction } from '../settings/actions';
import { getSetting } from '../settings/data';
import { setSetting } from '../settings/mutations';
import { checkEditsAction, commitEditsAction } from '../zones/actions';
import { getZone } from '../zones/data';
import type { PendingEdit } from '../zones/edits';
import { createZone } from '../zones/zone-lifecycle';
import { approveRequestAction, rejectRequestAction, requestChangesAction } from './actions';

const Z = 'actions.example.';
let eddie: SessionUser;
let erin: SessionUser;
let rita: SessionUser;

const apexNs: PendingEdit = { kind: 'add', record: { name: Z, type: 'NS', ttl: 3600, content: 'ns2.example.net.' } };

beforeAll(async () => {
  eddie = await createUser('eddie', 'correct horse battery', 'editor');
  erin = await createUser('erin', 'correct horse battery', 'editor');
  rita = await createUser('rita', 'correct horse battery', 'editor');
  await createZone({ name: Z, nameservers: [`ns1.${Z}`] }, { name: 'cli' });
  await grantZone('eddie', Z);
  await grantZone('erin', Z);
  await grantZone('rita', Z, 'request');
  await setSetting('approval', { apexNsSoa: true });
});

describe('server actions under approval rules', () => {
  it('refuse an editor’s apex NS commit posted directly, then apply it once a second editor approves the request', async () => {
    const serial = (await getZone(Z))!.serial;
    await signIn(eddie);
    const check = await checkEditsAction(Z, [apexNs], serial);
    expect(check).toMatchObject({ ok: true, approval: [expect.stringMatching(/apex NS of actions\.example\. need a second person/)] });

    const commit = await commitEditsAction(Z, [apexNs], serial, 'add ns2');
    expect(commit.ok).toBe(false);
    expect(commit.approval?.[0]).toMatch(/apex NS/);
    expect((await getZone(Z))!.serial).toBe(serial);

    const requested = await requestChangesAction(Z, [apexNs], serial, 'add ns2, please');
    expect(requested).toMatchObject({ ok: true, requestId: expect.any(Number) });
    const id = requested.requestId!;

    // Not by its own requester, even through the action.
    const own = await approveRequestAction({}, form({ id, serial }));
    expect(own.message).toMatch(/Nobody approves their own/);

    await signIn(erin);
    await expect(approveRequestAction({}, form({ id, serial }))).rejects.toThrow(`NEXT_REDIRECT /requests/${id}`);
    const zone = (await getZone(Z))!;
    expect(zone.serial).toBe(serial + 1);
    expect(zone.records.some((r) => r.type === 'NS' && r.content === 'ns2.example.net.')).toBe(true);
    expect(await db().change.findFirstOrThrow({ where: { requestId: id } })).toMatchObject({ actor: 'erin' });
  });

  it('let a requester check edits and request them, never commit them, and take a reject reason only with one', async () => {
    const serial = (await getZone(Z))!.serial;
    const www: PendingEdit = { kind: 'add', record: { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.80' } };
    await signIn(rita);
    expect(await checkEditsAction(Z, [www], serial)).toMatchObject({ ok: true, requestOnly: true });
    expect(await commitEditsAction(Z, [www], serial, 'just do it')).toMatchObject({ ok: false, forbidden: true });
    expect(await requestChangesAction(Z, [www], serial, '')).toMatchObject({ ok: false, commentErrors: [expect.stringMatching(/Write a comment/)] });
    const { requestId } = await requestChangesAction(Z, [www], serial, 'a web server');
    expect((await getZone(Z))!.serial).toBe(serial);

    await signIn(eddie);
    const noReason = await rejectRequestAction({}, form({ id: requestId!, reason: '' }));
    expect(noReason.fieldErrors?.reason?.[0]).toMatch(/Give a reason/);
    await expect(rejectRequestAction({}, form({ id: requestId!, reason: 'use the load balancer' }))).rejects.toThrow('NEXT_REDIRECT');
    expect(await db().changeRequest.findUniqueOrThrow({ where: { id: requestId! } })).toMatchObject({ state: 'rejected', reason: 'use the load balancer' });
  });

  it('take the global rules from an admin’s form only', async () => {
    const before = await getSetting('approval');
    await signIn(eddie);
    await expect(saveApprovalSettingsAction({}, form({ deletions: 'on', maxRecords: '', apexNsSoa: '', nsSoaAdminsOnly: '', rules: '' }))).rejects.toThrow('NEXT_FORBIDDEN');
    expect(await getSetting('approval')).toEqual(before);
    const ada = await createUser('ada', 'correct horse battery', 'admin');
    await signIn(ada);
    const bad = await saveApprovalSettingsAction({}, form({ deletions: 'on', maxRecords: 'many', apexNsSoa: '', nsSoaAdminsOnly: '', rules: '' }));
    expect(bad.fieldErrors?.maxRecords?.[0]).toMatch(/whole number/);
    expect((await saveApprovalSettingsAction({}, form({ deletions: 'on', maxRecords: '50', apexNsSoa: 'on', nsSoaAdminsOnly: 'on', rules: '' }))).ok).toBe(true);
    expect(await getSetting('approval')).toEqual({ apexNsSoa: true, deletions: true, maxRecords: 50, nsSoaAdminsOnly: true });
  });
});
