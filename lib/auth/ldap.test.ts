// LDAP sign-in against a real slapd (lib/testing/slapd.ts) through signIn, the
// path loginAction runs before it starts the session: roles and zone grants
// from groups, refusals when the directory says no, group and directory
// changes seen at the next sign-in, the throttle, StartTLS and ldaps, an
// outage, and what users.ts no longer lets anyone change for directory users.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { expectAppError } from '../testing/app-error';
import { baseLdif, groupDn, groupLdif, membershipLdif, personDn, personLdif } from '../testing/ldif';
import { requireSlapd, startSlapd, type RunningSlapd } from '../testing/slapd';
import { createZone } from '../zones/zone-lifecycle';
import { escapeFilterValue } from './ldap';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from './rate-limit';
import { activeSession, createSession } from './session-store';
import { DIRECTORY_UNREACHABLE, NO_DIRECTORY_ROLE, signIn, WRONG_LOGIN } from './sign-in';
import { createUser, getUserDetail, grantZone, listUsers, resetPassword, revokeZone, setUserDisabled, setUserRole, verifyLogin } from './users';
import { zoneRights } from './zone-access';

const SUFFIX = 'dc=example,dc=org';
const people = (uid: string) => personDn(SUFFIX, uid);
const group = (cn: string) => groupDn(SUFFIX, cn);
const person = (uid: string, password: string) => personLdif(SUFFIX, uid, password);
const groupOf = (cn: string, uids: string[]) => groupLdif(SUFFIX, cn, uids);

const LDIF = [
  baseLdif(SUFFIX),
  person('alice', 'alice-pass'),
  person('bob', 'bob-pass'),
  person('carol', 'carol-pass'),
  person('dave', 'dave-pass'),
  person('erin', 'erin-pass'),
  person('frank', 'frank-pass'),
  person('grace', 'grace-pass'),
  person('locally', 'directory-pass'),
  groupOf('dns-admins', ['alice']),
  groupOf('dns-editors', ['bob', 'carol', 'frank']),
  groupOf('dns-viewers', ['erin', 'grace']),
  groupOf('staff', ['dave', 'alice']),
  groupOf('team-a', ['bob']),
  groupOf('helpdesk', ['carol', 'bob']),
].join('\n');

const programs = requireSlapd();
const saved = { ...process.env };
let slapd: RunningSlapd;

/** The environment of a directory at `url` with this test's groups. */
function useDirectory(url: string, extra: Record<string, string> = {}): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('ZK_LDAP_')) delete process.env[k];
  Object.assign(process.env, {
    ZK_LDAP_URL: url,
    ZK_LDAP_BIND_DN: slapd.rootDn,
    ZK_LDAP_BIND_PASSWORD: slapd.rootPassword,
    ZK_LDAP_BASE: `ou=people,${SUFFIX}`,
    ZK_LDAP_GROUP_BASE: `ou=groups,${SUFFIX}`,
    ZK_LDAP_ROLE_GROUPS: `${group('dns-admins')} -> admin; ${group('dns-editors')} -> editor;${group('dns-viewers')}->viewer`,
    // Spaces and case in the DNs differ from the directory's on purpose.
    ZK_LDAP_ZONE_GROUPS: `CN=team-a, OU=groups, DC=example, DC=org -> a.example, later.example; ${group('helpdesk')} -> request: b.example a.example`,
    ...extra,
  });
}

let throttle: LoginThrottle;
let clock = 1_000_000;
const login = (name: string, password: string, address = '192.0.2.10') => signIn(throttle, address, name, password);

async function signedInAs(name: string, password: string) {
  const r = await login(name, password);
  if (!r.ok) throw new Error(`${name} was refused: ${r.message}`);
  return r.user;
}

describe.skipIf(!programs)('LDAP sign-in against slapd', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    slapd = await startSlapd({ programs: programs!, suffix: SUFFIX, ldif: LDIF });
    await createZone({ name: 'a.example' }, { name: 'test' });
    await createZone({ name: 'b.example' }, { name: 'test' });
    await createZone({ name: 'c.example' }, { name: 'test' });
  });
  afterAll(async () => {
    process.env = { ...saved };
    await slapd?.stop();
  });
  beforeEach(() => {
    useDirectory(slapd.url);
    throttle = new LoginThrottle({ ...DEFAULT_LOGIN_LIMITS, now: () => clock });
    clock += 3_600_000;
  });

  it("a directory user signs in with their group's role and their zone groups' grants, marked as from the directory", async () => {
    const bob = await signedInAs('bob', 'bob-pass');
    expect(bob.role).toBe('editor');
    // team-a edits a.example (edit beats helpdesk's request); helpdesk asks for changes to b.example; later.example does not exist.
    expect(await zoneRights(bob, 'a.example.')).toMatchObject({ read: true, request: true, write: true });
    expect(await zoneRights(bob, 'b.example.')).toMatchObject({ read: true, request: true, write: false });
    expect(await zoneRights(bob, 'c.example.')).toMatchObject({ read: false, request: false, write: false });
    expect((await getUserDetail('bob'))?.grants).toEqual([{ zone: 'a.example.', level: 'edit' }, { zone: 'b.example.', level: 'request' }]);
    expect((await listUsers()).find((u) => u.name === 'bob')).toMatchObject({ source: 'ldap', role: 'editor' });
    const row = await db().user.findUniqueOrThrow({ where: { name: 'bob' } });
    expect(row.dn).toBe(people('bob'));

    // The highest role wins: alice is in dns-admins and in the unmapped staff.
    expect((await signedInAs('ALICE', 'alice-pass')).role).toBe('admin');
    expect((await signedInAs('erin', 'erin-pass')).role).toBe('viewer');
  });

  it('a zone created later is granted at the next sign-in', async () => {
    const bob = await signedInAs('bob', 'bob-pass');
    await createZone({ name: 'later.example' }, { name: 'test' });
    expect((await zoneRights(bob, 'later.example.')).read).toBe(false);
    await signedInAs('bob', 'bob-pass');
    expect((await zoneRights(bob, 'later.example.')).write).toBe(true);
  });

  it('refuses a wrong password or an unknown name with the message local users get, and never binds with an empty password', async () => {
    expect(await login('carol', 'not-carols')).toEqual({ ok: false, message: WRONG_LOGIN });
    expect(await login('nobody', 'whatever-pass')).toEqual({ ok: false, message: WRONG_LOGIN });
    // A filter metacharacter is escaped, never a wildcard that finds someone.
    expect(await login('b*', 'bob-pass')).toEqual({ ok: false, message: WRONG_LOGIN });
    // An empty password is an unauthenticated bind that slapd would accept.
    expect(await verifyLogin('carol', '')).toBeNull();
  });

  it('a directory user in no role group is refused, saying so', async () => {
    expect(await login('dave', 'dave-pass')).toEqual({ ok: false, message: NO_DIRECTORY_ROLE });
    expect(await db().user.findUnique({ where: { name: 'dave' } })).toBeNull();
  });

  it('follows group changes at the next sign-in: a new role, then refused once in no role group, their sessions ended', async () => {
    const frank = await signedInAs('frank', 'frank-pass');
    expect(frank.role).toBe('editor');
    await slapd.modify(membershipLdif(SUFFIX, 'dns-admins', 'frank', 'add'));
    expect((await signedInAs('frank', 'frank-pass')).role).toBe('admin');
    const { token } = await createSession(frank.id, { address: '192.0.2.10', userAgent: 'test' });
    expect((await activeSession(token))?.user.role).toBe('admin');

    await slapd.modify([membershipLdif(SUFFIX, 'dns-admins', 'frank', 'delete'), membershipLdif(SUFFIX, 'dns-editors', 'frank', 'delete')].join('\n'));
    expect(await login('frank', 'frank-pass')).toEqual({ ok: false, message: NO_DIRECTORY_ROLE });
    expect(await activeSession(token)).toBeNull();
  });

  it('a user removed from the directory is refused, their sessions ended and grants gone', async () => {
    const grace = await signedInAs('grace', 'grace-pass');
    const { token } = await createSession(grace.id, { address: '192.0.2.10', userAgent: 'test' });
    await slapd.modify([membershipLdif(SUFFIX, 'dns-viewers', 'grace', 'delete'), `dn: ${people('grace')}\nchangetype: delete\n`].join('\n'));
    expect(await login('grace', 'grace-pass')).toEqual({ ok: false, message: WRONG_LOGIN });
    expect(await activeSession(token)).toBeNull();
  });

  it('throttles wrong directory passwords like local ones, before asking the directory', async () => {
    await createUser('local-twin', 'local-twin-pass', 'editor');
    // Five wrong passwords, then the right one: the same answers for a local and a directory user.
    const answers = async (name: string, right: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await login(name, i < 5 ? 'wrong-guess' : right, '198.51.100.7');
        seen.push(r.ok ? 'signed in' : r.message.replaceAll(name, 'NAME'));
      }
      return seen;
    };
    const local = await answers('local-twin', 'local-twin-pass');
    expect(local.slice(0, 5)).toEqual(Array(5).fill(WRONG_LOGIN));
    expect(local[5]).toMatch(/too many/i);
    expect(await answers('carol', 'carol-pass')).toEqual(local);
    // With the directory gone, a throttled attempt still gets the throttle's answer: it never got as far as a bind.
    useDirectory('ldap://127.0.0.1:1');
    const stillBlocked = await login('carol', 'carol-pass', '198.51.100.7');
    expect(stillBlocked.ok === false && stillBlocked.message).toMatch(/too many/i);
  });

  it('signs in over StartTLS and ldaps with the test CA, and refuses a certificate it cannot trust', async () => {
    useDirectory(slapd.url, { ZK_LDAP_STARTTLS: '1', ZK_LDAP_CA_FILE: slapd.caFile });
    expect((await signedInAs('carol', 'carol-pass')).role).toBe('editor');
    useDirectory(slapd.ldapsUrl, { ZK_LDAP_CA_FILE: slapd.caFile });
    expect((await signedInAs('carol', 'carol-pass')).role).toBe('editor');
    useDirectory(slapd.ldapsUrl);
    expect(await login('carol', 'carol-pass')).toEqual({ ok: false, message: DIRECTORY_UNREACHABLE });
  });

  it('an outage says the directory is unreachable, with no local fallback, while local users still sign in', async () => {
    await signedInAs('carol', 'carol-pass');
    await createUser('local-lou', 'local-lou-pass', 'viewer');
    useDirectory('ldap://127.0.0.1:1');
    expect(await login('carol', 'carol-pass')).toEqual({ ok: false, message: DIRECTORY_UNREACHABLE });
    expect((await signedInAs('local-lou', 'local-lou-pass')).role).toBe('viewer');
  });

  it('a local user keeps signing in with the local password even when the directory has the same name', async () => {
    await createUser('locally', 'local-password', 'viewer');
    expect((await signedInAs('locally', 'local-password')).role).toBe('viewer');
    expect(await login('locally', 'directory-pass')).toEqual({ ok: false, message: WRONG_LOGIN });
    expect((await getUserDetail('locally'))?.source).toBe('local');
  });

  it("a directory user's role, grants and password cannot be changed here, but an admin can disable them", async () => {
    await signedInAs('carol', 'carol-pass');
    const role = await expectAppError(setUserRole('carol', 'admin', null), 'forbidden');
    expect(role.message).toMatch(/directory/);
    await expectAppError(resetPassword('carol', 'a-new-password-1'), 'forbidden');
    await expectAppError(grantZone('carol', 'c.example'), 'forbidden');
    await expectAppError(revokeZone('carol', 'b.example'), 'forbidden');
    expect((await getUserDetail('carol'))?.role).toBe('editor');

    await setUserDisabled('carol', true, null);
    expect(await login('carol', 'carol-pass')).toEqual({ ok: false, message: WRONG_LOGIN });
    await setUserDisabled('carol', false, null);
    expect((await signedInAs('carol', 'carol-pass')).role).toBe('editor');
  });
});

describe.skipIf(!programs)('LDAP sign-in with groups from memberOf (ZK_LDAP_MEMBER_OF=1)', { timeout: 60_000 }, () => {
  let withOverlay: RunningSlapd;
  beforeAll(async () => {
    withOverlay = await startSlapd({
      programs: programs!,
      suffix: SUFFIX,
      memberOf: true,
      ldif: [baseLdif(SUFFIX), person('mona', 'mona-pass'), person('otto', 'otto-pass'), groupOf('dns-viewers', ['mona']), groupOf('staff', ['otto'])].join('\n'),
    });
  });
  afterAll(async () => {
    process.env = { ...saved };
    await withOverlay?.stop();
  });

  it("reads the role from the user entry's memberOf, with no group search", async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('ZK_LDAP_')) delete process.env[k];
    Object.assign(process.env, {
      ZK_LDAP_URL: withOverlay.url,
      ZK_LDAP_BIND_DN: withOverlay.rootDn,
      ZK_LDAP_BIND_PASSWORD: withOverlay.rootPassword,
      ZK_LDAP_BASE: SUFFIX,
      ZK_LDAP_MEMBER_OF: '1',
      // A group filter that matches nothing: memberOf alone must decide.
      ZK_LDAP_GROUP_FILTER: '(cn=no-such-group-{user})',
      ZK_LDAP_ROLE_GROUPS: `${group('dns-viewers')} -> viewer`,
    });
    throttle = new LoginThrottle(DEFAULT_LOGIN_LIMITS);
    expect((await signedInAs('mona', 'mona-pass')).role).toBe('viewer');
    expect(await login('otto', 'otto-pass')).toEqual({ ok: false, message: NO_DIRECTORY_ROLE });
  });
});

describe('escapeFilterValue', () => {
  it('escapes what RFC 4515 reserves, so a name is only ever compared', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0')).toBe('a\\2ab\\28c\\29d\\5ce\\00');
    expect(escapeFilterValue('plain.name-1')).toBe('plain.name-1');
  });
});
