// Who may create which zone where (creation-rules.ts), through the change
// service on a real database, as the web app, the CLI and the worker's
// autoprimary path call it.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createUser, grantZone } from '../auth/users';
import { saveSecondaryZonesSettings } from '../settings/mutations';
import { AppError } from '../errors';
import type { Actor } from './actor';
import { createZone, setZoneOptions } from './zone-lifecycle';

const operator: Actor = { name: 'cli' };

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

let users = 0;
/** A user of `role`, granted `zones`, as the web app's actor. */
async function userActor(role: 'admin' | 'editor' | 'viewer', zones: string[] = []): Promise<Actor> {
  const u = await createUser(`${role}${++users}`, 'a-long-enough-password', role);
  for (const z of zones) await grantZone(u.name, z);
  return { userId: u.id, name: u.name };
}

const zoneNamed = (name: string) => db().zone.findUnique({ where: { name }, include: { grants: true } });

describe('an editor and the zones around the new name', () => {
  it('refuses an editor granted only alpha.test a zone inside beta.test, naming beta.test, and writes nothing', async () => {
    // Bug: the change service checked nothing above a new name, so this editor created www.beta.test., was granted it, and the worker answered www.beta.test from it instead of beta.test.
    await createZone({ name: 'alpha.test' }, operator);
    await createZone({ name: 'beta.test' }, operator);
    const editor = await userActor('editor', ['alpha.test']);
    const err = await refusal(createZone({ name: 'www.beta.test' }, editor));
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe('www.beta.test. lies inside beta.test., which you may not edit: ask an admin to create it or to grant you beta.test.');
    expect(err.fieldErrors.name).toEqual([err.message]);
    expect(await zoneNamed('www.beta.test.')).toBeNull();
    // Deeper still is refused the same way, and so is a secondary zone there.
    expect((await refusal(createZone({ name: 'a.b.beta.test' }, editor))).message).toMatch(/^a\.b\.beta\.test\. lies inside beta\.test\., /);
  });

  it('refuses an editor a zone that would enclose zones they may not edit, naming them', async () => {
    // Bug: nothing checked below a new name either, so an editor could create test. above other people's zones and serve every name between them.
    await createZone({ name: 'one.enc.test' }, operator);
    await createZone({ name: 'two.enc.test' }, operator);
    await createZone({ name: 'mine.enc.test' }, operator);
    const editor = await userActor('editor', ['mine.enc.test']);
    const err = await refusal(createZone({ name: 'enc.test' }, editor));
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe('enc.test. would enclose one.enc.test. and other zones you may not edit: ask an admin to create it.');
    expect(err.fieldErrors.name).toEqual([err.message]);
    await createZone({ name: 'sub.mine2.test' }, operator);
    const editor2 = await userActor('editor');
    expect((await refusal(createZone({ name: 'mine2.test' }, editor2))).message).toBe(
      'mine2.test. would enclose sub.mine2.test., which you may not edit: ask an admin to create it or to grant you sub.mine2.test.',
    );
    expect(await zoneNamed('enc.test.')).toBeNull();
  });

  it('lets an editor create below a zone they edit, above zones they edit, and where nothing encloses; each new zone is granted to them', async () => {
    await createZone({ name: 'own.test' }, operator);
    await createZone({ name: 'leaf.top.test' }, operator);
    const editor = await userActor('editor', ['own.test', 'leaf.top.test']);
    await createZone({ name: 'www.own.test' }, editor);
    await createZone({ name: 'top.test' }, editor);
    await createZone({ name: 'fresh.example' }, editor);
    for (const name of ['www.own.test.', 'top.test.', 'fresh.example.']) {
      expect((await zoneNamed(name))?.grants.map((g) => g.userId)).toEqual([editor.userId]);
    }
    // The closest enclosing zone decides: own.test.'s child of a child, below www.own.test. (theirs too).
    await createZone({ name: 'deep.www.own.test' }, editor);
  });

  it('a name that only shares a suffix is neither inside nor above; `_` in a new name matches only `_`', async () => {
    await createZone({ name: 'gamma.test' }, operator);
    await createZone({ name: 'c.axb.test' }, operator);
    const editor = await userActor('editor');
    await createZone({ name: 'xgamma.test' }, editor);
    // Were `_` a LIKE wildcard in the query for zones below, c.axb.test. would seem to lie below a_b.test.
    await createZone({ name: 'a_b.test', nameservers: ['ns1.example.net.'] }, editor);
    expect(await zoneNamed('a_b.test.')).not.toBeNull();
  });

  it('lets an admin and the local operator create a zone inside another (a delegation)', async () => {
    await createZone({ name: 'parent.test' }, operator);
    await createZone({ name: 'child.parent.test' }, await userActor('admin'));
    await createZone({ name: 'other.parent.test' }, operator);
    expect(await zoneNamed('child.parent.test.')).not.toBeNull();
    expect(await zoneNamed('other.parent.test.')).not.toBeNull();
  });

  it('two editors creating a zone and one inside it at the same moment: one of them is refused', async () => {
    // Each check alone sees nothing around its name; only checks serialised with the inserts keep one zone from enclosing the other's.
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await userActor('editor'), await userActor('editor')];
      const results = await Promise.allSettled([createZone({ name: `race${round}.test` }, a), createZone({ name: `www.race${round}.test` }, b)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected')!.reason as AppError;
      expect(refused.code).toBe('forbidden');
    }
  });

  it('refuses a viewer and a disabled editor any zone', async () => {
    const viewer = await userActor('viewer');
    expect((await refusal(createZone({ name: 'viewer-made.example' }, viewer))).code).toBe('forbidden');
    const editor = await userActor('editor');
    await db().user.update({ where: { id: editor.userId }, data: { disabled: true } });
    expect((await refusal(createZone({ name: 'disabled-made.example' }, editor))).message).toMatch(/may not create zones; ask an admin/);
  });
});

describe('an autoprimary', () => {
  const autoprimary: Actor = { name: 'autoprimary 192.0.2.1', autoprimary: true };

  it('never creates a zone inside one of ours', async () => {
    // Bug: an autoprimary's NOTIFY for www.ours.test. created it as a secondary of that primary, which then answered for names under our ours.test.
    await createZone({ name: 'ours.test' }, operator);
    const err = await refusal(createZone({ name: 'www.ours.test', kind: 'secondary', primaries: ['192.0.2.1'] }, autoprimary));
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe('www.ours.test. lies inside our zone ours.test.; an autoprimary never creates a zone below an existing one.');
    expect(await zoneNamed('www.ours.test.')).toBeNull();
  });

  it('creates a zone nothing of ours encloses', async () => {
    await createZone({ name: 'theirs.example', kind: 'secondary', primaries: ['192.0.2.1'] }, autoprimary);
    expect((await zoneNamed('theirs.example.'))?.kind).toBe('secondary');
  });
});

describe('secondary zones: which primaries a user may name', () => {
  it('refuses an editor a secondary zone while the admin allows no primaries, then allows primaries inside the admin’s ranges only', async () => {
    // Bug: any editor could create a secondary zone with any ADDRESS:PORT as primary, so the worker connected there and `zone status` said what answered: a port scanner.
    const editor = await userActor('editor');
    const none = await refusal(createZone({ name: 'sec1.example', kind: 'secondary', primaries: ['10.0.0.5:22'] }, editor));
    expect(none.code).toBe('forbidden');
    expect(none.fieldErrors.kind?.[0]).toMatch(/^Only an admin can create a secondary zone here/);
    expect(none.message).toMatch(/Settings → Zone defaults/);

    await saveSecondaryZonesSettings({ editorPrimaryRanges: ['192.0.2.0/24', '2001:db8::/32'] });
    const outside = await refusal(createZone({ name: 'sec1.example', kind: 'secondary', primaries: ['192.0.2.1', '10.0.0.5:22'] }, editor));
    expect(outside.fieldErrors.primaries?.[0]).toBe(
      '10.0.0.5:22 is outside the ranges an admin allows for primaries (192.0.2.0/24, 2001:db8::/32): name a primary inside them, or ask an admin to create the zone or to allow the range.',
    );
    // IPv4-mapped IPv6 is matched as the IPv4 address it is.
    expect((await refusal(createZone({ name: 'sec1.example', kind: 'secondary', primaries: ['[::ffff:10.0.0.5]:53'] }, editor))).code).toBe('forbidden');
    expect(await zoneNamed('sec1.example.')).toBeNull();

    await createZone({ name: 'sec1.example', kind: 'secondary', primaries: ['192.0.2.1:5300', '[2001:db8::53]'] }, editor);
    expect((await zoneNamed('sec1.example.'))?.grants.map((g) => g.userId)).toEqual([editor.userId]);
    await saveSecondaryZonesSettings({ editorPrimaryRanges: [] });
  });

  it('lets an admin and the operator name any primary', async () => {
    await createZone({ name: 'sec2.example', kind: 'secondary', primaries: ['10.0.0.5:22'] }, await userActor('admin'));
    await createZone({ name: 'sec3.example', kind: 'secondary', primaries: ['10.0.0.5:22'] }, operator);
  });

  it('refuses an editor changing a zone’s options (primaries among them); the operator may', async () => {
    await createZone({ name: 'opts.example', kind: 'secondary', primaries: ['192.0.2.1'] }, operator);
    const editor = await userActor('editor', ['opts.example']);
    const err = await refusal(setZoneOptions('opts.example', { primaries: ['10.0.0.5:22'] }, editor));
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/^Only an admin may change a zone’s primaries/);
    expect((await zoneNamed('opts.example.'))?.primaries).toBe('["192.0.2.1:53"]');
    await setZoneOptions('opts.example', { primaries: ['10.0.0.5:22'] }, operator);
    expect((await zoneNamed('opts.example.'))?.primaries).toBe('["10.0.0.5:22"]');
  });
});
