// `zonekeeper user list|grant|revoke|disable|enable` as an operator runs them:
// a real process against this file's database, checked with exit codes and
// with what the web app reads (zone-access, getActiveUser).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeSession, createSession } from '../auth/session-store';
import { getActiveUser, syncDirectoryUser, verifyLogin } from '../auth/users';
import { zoneRights } from '../auth/zone-access';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

function zk(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, input, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('zonekeeper user', () => {
  // Each command is a fresh process (a couple of seconds under tsx), hence the long timeouts.
  it('grants and revokes zones, lists users, disables and enables', { timeout: 120_000 }, async () => {
    expect(zk(['user', 'add', 'cli-ed', '--role', 'editor'], 'cli-ed-password').code).toBe(0);
    expect(zk(['zone', 'create', 'grant.cli.test']).code).toBe(0);
    const ed = await verifyLogin('cli-ed', 'cli-ed-password');
    expect(ed).not.toBeNull();

    const grant = zk(['user', 'grant', 'CLI-ED', 'grant.cli.test']);
    expect(grant).toMatchObject({ code: 0 });
    expect(grant.stdout).toMatch(/Granted grant\.cli\.test\. to cli-ed\./);
    expect(await zoneRights(ed!, 'grant.cli.test')).toMatchObject({ read: true, write: true });

    const list = zk(['user', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^cli-ed\s+editor\s+enabled\s+local\s+1 \(grant\.cli\.test\.\)$/m);

    expect(zk(['user', 'revoke', 'cli-ed', 'grant.cli.test']).code).toBe(0);
    expect(await zoneRights(ed!, 'grant.cli.test')).toMatchObject({ read: false });
    const again = zk(['user', 'revoke', 'cli-ed', 'grant.cli.test']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has no grant on grant\.cli\.test\./);

    expect(zk(['user', 'disable', 'cli-ed']).code).toBe(0);
    expect(await getActiveUser(ed!.id)).toBeNull();
    expect(zk(['user', 'list']).stdout).toMatch(/^cli-ed\s+editor\s+disabled/m);
    expect(zk(['user', 'enable', 'cli-ed']).code).toBe(0);
    expect(await getActiveUser(ed!.id)).not.toBeNull();
  });

  it('refuses what it cannot do, with exit status 1 and the reason', { timeout: 120_000 }, () => {
    expect(zk(['user', 'add', 'cli-viewer', '--role', 'viewer'], 'viewer-password').code).toBe(0);
    expect(zk(['zone', 'create', 'v.cli.test']).code).toBe(0);
    const viewer = zk(['user', 'grant', 'cli-viewer', 'v.cli.test']);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/grants apply to editors/);
    const missing = zk(['user', 'grant', 'nobody', 'v.cli.test']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no user nobody/);
    const usage = zk(['user', 'grant', 'cli-viewer']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/user grant needs USER ZONE/);
    expect(usage.stderr).toMatch(/Usage: zonekeeper/);

    // The only admin cannot be disabled from a shell either.
    expect(zk(['user', 'add', 'only-admin', '--role', 'admin'], 'admin-password').code).toBe(0);
    const last = zk(['user', 'disable', 'only-admin']);
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/last enabled admin/);
  });
});

describe('zonekeeper user password and signout', () => {
  // Before: the cookie held only the user id, so nothing a shell did could end a session.
  it('end the user’s sessions; enabling a disabled user brings none back', { timeout: 120_000 }, async () => {
    expect(zk(['user', 'add', 'cli-sess', '--role', 'viewer'], 'first-password').code).toBe(0);
    const u = await verifyLogin('cli-sess', 'first-password');
    const open = async () => (await createSession(u!.id, { address: '127.0.0.1', userAgent: 'test' })).token;

    let token = await open();
    const signout = zk(['user', 'signout', 'cli-sess']);
    expect(signout).toMatchObject({ code: 0 });
    expect(signout.stdout).toMatch(/Ended 1 session of cli-sess\./);
    expect(await activeSession(token)).toBeNull();

    token = await open();
    const changed = zk(['user', 'password', 'cli-sess'], 'second-password\n');
    expect(changed.code).toBe(0);
    expect(await activeSession(token)).toBeNull();
    expect(await verifyLogin('cli-sess', 'second-password')).not.toBeNull();

    token = await open();
    const generated = zk(['user', 'password', 'cli-sess'], '');
    expect(generated.stdout).toMatch(/New password for cli-sess \(shown once\): \S{20}/);
    expect(await activeSession(token)).toBeNull();

    token = await open();
    expect(zk(['user', 'disable', 'cli-sess']).code).toBe(0);
    expect(zk(['user', 'enable', 'cli-sess']).code).toBe(0);
    expect(await activeSession(token)).toBeNull();

    const nobody = zk(['user', 'signout', 'nobody']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/no user nobody/);
  });
});

describe('zonekeeper user and directory (LDAP) users', () => {
  it("shows a directory user's source and refuses what the directory owns, but disables them", { timeout: 120_000 }, async () => {
    expect(zk(['zone', 'create', 'dir.cli.test']).code).toBe(0);
    // As an LDAP sign-in leaves them (lib/auth/ldap.test.ts signs in against a real slapd).
    const u = await syncDirectoryUser('dir-ed', { dn: 'uid=dir-ed,ou=people,dc=example,dc=org', role: 'editor', zones: new Map([['dir.cli.test.', 'edit']]) });
    expect(u).not.toBeNull();
    expect(zk(['user', 'list']).stdout).toMatch(/^dir-ed\s+editor\s+enabled\s+ldap\s+1 \(dir\.cli\.test\.\)$/m);
    for (const args of [['user', 'revoke', 'dir-ed', 'dir.cli.test'], ['user', 'grant', 'dir-ed', 'other.cli.test']]) {
      const r = zk(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/LDAP directory, which sets their zones/);
    }
    const pw = zk(['user', 'password', 'dir-ed'], 'a-new-password-here');
    expect(pw.code).toBe(1);
    expect(pw.stderr).toMatch(/with the directory's password; change it there/);
    expect(zk(['user', 'disable', 'dir-ed']).code).toBe(0);
    expect(await getActiveUser(u!.id)).toBeNull();
  });
});
