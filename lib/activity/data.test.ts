// The global changelog against a real database: each filter, the cursor
// pages, the record counts, and that nobody reads changes of zones they may
// not read.
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import type { SessionUser } from '../auth/permission';
import { createUser, grantZone } from '../auth/users';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { listActivity } from './data';

type Who = Pick<SessionUser, 'id' | 'role'>;
const admin: Who = { id: 0, role: 'admin' };
let alice: SessionUser;
let bob: SessionUser;
let viewer: SessionUser;

const DAY = 86_400_000;
const comments = (items: { comment: string }[]) => items.map((i) => i.comment);

async function commit(zone: string, who: SessionUser | null, comment: string, add: { name: string; type: string; content: string }[]): Promise<number> {
  const r = await applyChangeset(zone, { add: add.map((x) => ({ ...x, ttl: 300 })), comment }, who ? { userId: who.id, name: who.name } : { name: 'cli' });
  const change = await db().change.findFirstOrThrow({ where: { zone: { name: `${zone}.` }, newSerial: r.newSerial } });
  return change.id;
}

let oldChange: number;

beforeAll(async () => {
  alice = await createUser('alice', 'a-long-password-1', 'editor');
  bob = await createUser('bob', 'a-long-password-1', 'editor');
  viewer = await createUser('vera', 'a-long-password-1', 'viewer');
  await createZone({ name: 'red.test', nameservers: ['ns1.hoster.test.'] }, { name: 'cli' });
  await createZone({ name: 'blue.test', nameservers: ['ns1.hoster.test.'] }, { name: 'cli' });
  await grantZone('alice', 'red.test');
  await grantZone('bob', 'blue.test');
  oldChange = await commit('red.test', alice, 'first web server', [{ name: 'www', type: 'A', content: '192.0.2.1' }]);
  await db().change.update({ where: { id: oldChange }, data: { createdAt: new Date(Date.now() - 10 * DAY) } });
  await commit('blue.test', bob, 'blue mail', [
    { name: '@', type: 'MX', content: '10 mail' },
    { name: 'mail', type: 'A', content: '192.0.2.2' },
  ]);
  await commit('red.test', alice, 'second web server', [{ name: 'www', type: 'A', content: '192.0.2.3' }]);
  await commit('blue.test', null, 'scripted by the cli', [{ name: 'api', type: 'A', content: '192.0.2.4' }]);
});

describe('listActivity', () => {
  it('lists every zone’s changes newest first, with zone, who, serials and record counts (SOA not counted)', async () => {
    const { items } = await listActivity(admin);
    expect(comments(items).slice(0, 4)).toEqual(['scripted by the cli', 'second web server', 'blue mail', 'first web server']);
    const mail = items.find((i) => i.comment === 'blue mail')!;
    expect(mail).toMatchObject({ zone: 'blue.test.', actor: 'bob', userName: 'bob', added: 2, removed: 0 });
    expect(mail.newSerial).toBe(mail.oldSerial + 1);
    expect(items.find((i) => i.comment === 'scripted by the cli')).toMatchObject({ userName: null, actor: 'cli' });
  });

  it('filters by user, and by an actor without an account', async () => {
    expect(comments((await listActivity(admin, { user: 'Alice' })).items)).toEqual(['second web server', 'first web server']);
    expect(comments((await listActivity(admin, { user: 'cli' })).items)).toContain('scripted by the cli');
    expect((await listActivity(admin, { user: 'nobody-at-all' })).items).toEqual([]);
  });

  it('filters by zone, any spelling, and finds nothing for a zone that does not exist', async () => {
    const blue = comments((await listActivity(admin, { zone: 'BLUE.test.' })).items);
    expect(blue.slice(0, 2)).toEqual(['scripted by the cli', 'blue mail']);
    expect(blue.every((c) => !c.includes('web'))).toBe(true);
    expect((await listActivity(admin, { zone: 'green.test' })).items).toEqual([]);
    expect((await listActivity(admin, { zone: 'not a name' })).items).toEqual([]);
  });

  it('filters by date range and by comment text', async () => {
    const old = await listActivity(admin, { to: new Date(Date.now() - 5 * DAY) });
    expect(comments(old.items)).toEqual(['first web server']);
    const recent = await listActivity(admin, { from: new Date(Date.now() - DAY), text: 'WEB' });
    expect(comments(recent.items)).toEqual(['second web server']);
  });

  it('pages with cursors both ways', async () => {
    const all = (await listActivity(admin, { pageSize: 200 })).items.map((i) => i.id);
    const p1 = await listActivity(admin, { pageSize: 2 });
    expect(p1.items.map((i) => i.id)).toEqual(all.slice(0, 2));
    expect(p1.newer).toBeNull();
    const p2 = await listActivity(admin, { pageSize: 2, before: p1.older! });
    expect(p2.items.map((i) => i.id)).toEqual(all.slice(2, 4));
    const back = await listActivity(admin, { pageSize: 2, after: p2.newer! });
    expect(back.items.map((i) => i.id)).toEqual(all.slice(0, 2));
    expect(back.newer).toBeNull();
  });

  it('shows an editor only the changes of zones granted to them, whoever made them', async () => {
    const seen = await listActivity(bob);
    expect(comments(seen.items).slice(0, 2)).toEqual(['scripted by the cli', 'blue mail']);
    expect(seen.items.every((i) => i.zone === 'blue.test.')).toBe(true);
    // Alice's page, as Bob sees it: nothing, since her changes are all in a zone he may not read.
    expect((await listActivity(bob, { user: 'alice' })).items).toEqual([]);
    expect((await listActivity(bob, { zone: 'red.test' })).items).toEqual([]);
  });

  it('lets a viewer read every zone’s changes', async () => {
    const zones = new Set((await listActivity(viewer)).items.map((i) => i.zone));
    expect(zones).toEqual(new Set(['red.test.', 'blue.test.']));
  });
});
