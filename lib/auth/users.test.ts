// User management against a real SQLite database: roles, the admin guard
// rails, disabling, password resets and per-zone grants for editors.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { expectAppError } from '../testing/app-error';
import { renderMetrics } from '../replication/metrics';
import { listZonesPage } from '../zones/data';
import { createZone } from '../zones/zone-lifecycle';
import { createTsigKey } from '../zones/tsig-keys';
import {
  createUser,
  getActiveUser,
  getUserDetail,
  grantZone,
  listUsers,
  resetPassword,
  revokeZone,
  setUserDisabled,
  setUserRole,
  suggestZonesToGrant,
  verifyLogin,
} from './users';
import { visibleZoneWhere, zoneRights } from './zone-access';

const PW = 'a-long-password';

describe('admin guard rails', () => {
  it('refuses to demote or disable the last enabled admin, even from the CLI', async () => {
    await createUser('solo-admin', PW, 'admin');
    // Other admins in this file's database would make this not the last one; start from a clean slate.
    await db().user.updateMany({ where: { role: 'admin', name: { not: 'solo-admin' } }, data: { disabled: true } });
    const demote = await expectAppError(setUserRole('solo-admin', 'editor', null), 'conflict');
    expect(demote.fieldErrors.role?.[0]).toMatch(/last enabled admin/);
    const disable = await expectAppError(setUserDisabled('solo-admin', true, null), 'conflict');
    expect(disable.fieldErrors.disabled?.[0]).toMatch(/last enabled admin/);
    expect((await getUserDetail('solo-admin'))?.role).toBe('admin');
  });

  it('an admin cannot demote or disable themselves, but can another admin', async () => {
    const a = await createUser('admin-a', PW, 'admin');
    const b = await createUser('admin-b', PW, 'admin');
    await expectAppError(setUserRole('admin-a', 'viewer', { id: a.id }), 'forbidden');
    await expectAppError(setUserDisabled('ADMIN-A', true, { id: a.id }), 'forbidden');
    // Keeping one's own role is no loss.
    await setUserRole('admin-a', 'admin', { id: a.id });
    await setUserRole('admin-b', 'editor', { id: a.id });
    expect((await getUserDetail('admin-b'))?.role).toBe('editor');
    // b is no longer admin, so a is now the last one (plus any enabled from other tests).
    await setUserDisabled('admin-b', true, { id: a.id });
    expect(await getActiveUser(b.id)).toBeNull();
  });
});

describe('disable, enable and password reset', () => {
  it('a disabled user cannot sign in or keep a session; enabling restores both', async () => {
    const u = await createUser('dora', PW, 'editor');
    await setUserDisabled('dora', true, null);
    expect(await verifyLogin('dora', PW)).toBeNull();
    expect(await getActiveUser(u.id)).toBeNull();
    await setUserDisabled('dora', false, null);
    expect((await verifyLogin('dora', PW))?.id).toBe(u.id);
  });

  it('a reset password replaces the old one; a generated one is returned to show once', async () => {
    await createUser('rita', PW, 'viewer');
    const generated = await resetPassword('rita');
    expect(generated).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await verifyLogin('rita', PW)).toBeNull();
    expect(await verifyLogin('rita', generated)).not.toBeNull();
    await expectAppError(resetPassword('rita', 'short'), 'invalid');
    await expectAppError(resetPassword('nobody-here'), 'not-found');
  });

  it('refuses an unknown role and an unknown user', async () => {
    await createUser('ron', PW, 'viewer');
    await expectAppError(setUserRole('ron', 'root', null), 'invalid');
    await expectAppError(setUserRole('no-such-user', 'viewer', null), 'not-found');
  });
});

describe('zone grants', () => {
  it('grants and revokes zones for editors, which is what zone-access reads', async () => {
    const ed = await createUser('eddie', PW, 'editor');
    await createZone({ name: 'granted.example' }, { name: 'test' });
    await createZone({ name: 'other.example' }, { name: 'test' });
    expect(await grantZone('eddie', 'Granted.Example')).toEqual({ user: 'eddie', zone: 'granted.example.', level: 'edit' });
    // Twice is fine.
    await grantZone('eddie', 'granted.example.');
    const detail = await getUserDetail('eddie');
    expect(detail?.grants).toEqual([{ zone: 'granted.example.', level: 'edit' }]);
    expect((await listUsers()).find((u) => u.name === 'eddie')).toMatchObject({ grantCount: 1, someGrants: ['granted.example.'] });

    const user = { id: ed.id, role: 'editor' as const };
    expect(await zoneRights(user, 'granted.example')).toMatchObject({ read: true, write: true });
    expect(await zoneRights(user, 'other.example')).toMatchObject({ read: false, write: false });
    expect(await db().zone.count({ where: visibleZoneWhere(user) })).toBe(1);
    // A second grant sets the level: a requester reads the zone and asks for changes, and may edit it again once granted so.
    await grantZone('eddie', 'granted.example', 'request');
    expect(await zoneRights(user, 'granted.example')).toMatchObject({ read: true, request: true, write: false });
    expect((await getUserDetail('eddie'))?.grants).toEqual([{ zone: 'granted.example.', level: 'request' }]);
    await grantZone('eddie', 'granted.example');
    expect(await zoneRights(user, 'granted.example')).toMatchObject({ read: true, request: true, write: true });

    await revokeZone('eddie', 'granted.example');
    expect(await zoneRights(user, 'granted.example')).toMatchObject({ read: false, write: false });
    await expectAppError(revokeZone('eddie', 'granted.example'), 'not-found');
  });

  it('lists and counts an editor\'s zones however many are granted (a list of ids failed past 999 on SQLite)', async () => {
    const many = await createUser('manny', PW, 'editor');
    const soa = { kind: 'primary', serial: 1n, soaMname: 'ns1.example.', soaRname: 'hostmaster.example.', soaRefresh: 3600, soaRetry: 600, soaExpire: 86400, soaMinimum: 300, soaTtl: 3600, defaultTtl: 3600 };
    await db().zone.createMany({ data: Array.from({ length: 1100 }, (_, i) => ({ ...soa, name: `g${i}.many.example.` })) });
    await db().zone.createMany({ data: Array.from({ length: 5 }, (_, i) => ({ ...soa, name: `other${i}.many.example.` })) });
    const granted = await db().zone.findMany({ where: { name: { startsWith: 'g' }, AND: { name: { endsWith: '.many.example.' } } }, select: { id: true } });
    await db().zoneGrant.createMany({ data: granted.map((z) => ({ userId: many.id, zoneId: z.id })) });
    const editor = { id: many.id, role: 'editor' as const };

    const page = await listZonesPage({ query: 'many.example', visible: visibleZoneWhere(editor), pageSize: 50 });
    expect(page.total).toBe(1100);
    expect(page.zones.every((z) => z.name.startsWith('g'))).toBe(true);
    const metrics = await renderMetrics({ visible: visibleZoneWhere(editor) });
    expect(metrics).toContain('zonekeeper_zone_serial{zone="g1099.many.example."} 1');
    expect(metrics).not.toContain('other0.many.example.');
  });

  it('refuses a missing zone, a bad name, and grants to non-editors', async () => {
    await createUser('gina', PW, 'editor');
    await createUser('vic', PW, 'viewer');
    await createZone({ name: 'g.example' }, { name: 'test' });
    const missing = await expectAppError(grantZone('gina', 'nope.example'), 'not-found');
    expect(missing.fieldErrors.zone?.[0]).toMatch(/no zone nope\.example\./);
    await expectAppError(grantZone('gina', 'bad..name'), 'invalid');
    const viewer = await expectAppError(grantZone('vic', 'g.example'), 'invalid');
    expect(viewer.message).toMatch(/grants apply to editors/);
  });

  it('suggests matching zones not yet granted, capped', async () => {
    await createUser('sam', PW, 'editor');
    for (const n of ['s1', 's2', 's3']) await createZone({ name: `${n}.suggest.example` }, { name: 'test' });
    await grantZone('sam', 's2.suggest.example');
    expect(await suggestZonesToGrant('sam', 'SUGGEST')).toEqual(['s1.suggest.example.', 's3.suggest.example.']);
    expect(await suggestZonesToGrant('sam', 'suggest', 1)).toEqual(['s1.suggest.example.']);
    expect(await suggestZonesToGrant('sam', '  ')).toEqual([]);
  });

  it('deleting a user removes their grants', async () => {
    await createUser('temp', PW, 'editor');
    await createZone({ name: 't.example' }, { name: 'test' });
    await grantZone('temp', 't.example');
    await db().user.delete({ where: { name: 'temp' } });
    expect(await db().zoneGrant.count({ where: { zone: { name: 't.example.' } } })).toBe(0);
  });

  it('refuses a second user or TSIG key of a name already taken, saying so, and keeps the first', async () => {
    await createUser('twice', 'first-password-1', 'viewer');
    const err = await expectAppError(createUser('twice', 'second-password-2', 'admin'), 'exists');
    expect(err.message).toMatch(/a user named twice already exists/);
    expect(await db().user.findUniqueOrThrow({ where: { name: 'twice' } })).toMatchObject({ role: 'viewer' });

    const key = await createTsigKey('twice-key', 'hmac-sha256');
    expect((await expectAppError(createTsigKey('twice-key', 'hmac-sha512'), 'exists')).message).toMatch(/already exists/);
    expect(await db().tsigKey.findUniqueOrThrow({ where: { name: 'twice-key.' } })).toMatchObject({ algorithm: 'hmac-sha256', secret: key.secret });
  });
});
