// ZK_LDAP_*: the mappings' syntax, the defaults, and a bad value stopping the start with the variable named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessFromGroups } from '../auth/ldap';
import { checkWebSettings } from './env';
import { ldapSettings, normalizeDn } from './ldap';

const saved = { ...process.env };
beforeEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('ZK_LDAP_')) delete process.env[k];
  Object.assign(process.env, {
    ZK_LDAP_URL: 'ldap://ldap.example.org',
    ZK_LDAP_BASE: 'ou=people,dc=example,dc=org',
    ZK_LDAP_ROLE_GROUPS: 'cn=dns-admins,ou=groups,dc=example,dc=org -> admin; cn=dns,ou=groups,dc=example,dc=org -> editor',
  });
});
afterEach(() => {
  process.env = { ...saved };
});

/** The error ldapSettings() throws with `vars` set (undefined: unset) on top of the valid base; the base is back afterwards. */
function refusal(vars: Record<string, string | undefined>): string {
  const before = { ...process.env };
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    ldapSettings();
  } catch (err) {
    return (err as Error).message;
  } finally {
    process.env = before;
  }
  throw new Error(`accepted ${JSON.stringify(vars)}`);
}

describe('ZK_LDAP_*', () => {
  it('is off without ZK_LDAP_URL', () => {
    delete process.env.ZK_LDAP_URL;
    expect(ldapSettings()).toBeNull();
  });

  it('has the documented defaults: uid filter, groupOfNames searched under the user base, anonymous search', () => {
    const s = ldapSettings()!;
    expect(s).toMatchObject({ userFilter: '(uid={user})', startTls: false, bindDn: undefined, zoneGroups: [] });
    expect(s.groups).toEqual({ from: 'search', base: 'ou=people,dc=example,dc=org', filter: '(&(objectClass=groupOfNames)(member={dn}))' });
    process.env.ZK_LDAP_MEMBER_OF = '1';
    expect(ldapSettings()!.groups).toEqual({ from: 'memberOf' });
  });

  it('maps groups to roles and zones, whatever the spacing and case of the DNs; the highest role and edit over request win', () => {
    process.env.ZK_LDAP_ZONE_GROUPS = 'cn=Team-A, ou=Groups,dc=example,dc=org -> example.com, Example.NET.; cn=help,ou=groups,dc=example,dc=org -> request: example.com example.org';
    const s = ldapSettings()!;
    expect(s.zoneGroups).toEqual([
      { group: 'cn=team-a,ou=groups,dc=example,dc=org', zones: ['example.com.', 'example.net.'], level: 'edit' },
      { group: 'cn=help,ou=groups,dc=example,dc=org', zones: ['example.com.', 'example.org.'], level: 'request' },
    ]);
    const access = accessFromGroups(s, ['CN=dns,OU=groups,DC=example,DC=org', 'cn=dns-admins,ou=groups,dc=example,dc=org', 'cn=help,ou=groups,dc=example,dc=org', 'cn=team-a,ou=groups,dc=example,dc=org']);
    expect(access?.role).toBe('admin');
    expect([...access!.zones]).toEqual([
      ['example.com.', 'edit'],
      ['example.net.', 'edit'],
      ['example.org.', 'request'],
    ]);
    expect(accessFromGroups(s, ['cn=team-a,ou=groups,dc=example,dc=org'])).toBeNull();
  });

  it('stops the start on a bad value, naming the variable', () => {
    expect(refusal({ ZK_LDAP_URL: 'http://ldap.example.org' })).toMatch(/^ZK_LDAP_URL must be ldap:\/\//);
    expect(refusal({ ZK_LDAP_URL: 'ldaps://ldap.example.org', ZK_LDAP_STARTTLS: '1' })).toMatch(/^ZK_LDAP_STARTTLS=1 is for ldap:\/\//);
    expect(refusal({ ZK_LDAP_STARTTLS: 'maybe' })).toMatch(/^ZK_LDAP_STARTTLS must be 1 or 0/);
    expect(refusal({ ZK_LDAP_CA_FILE: '/nonexistent/ca.pem' })).toMatch(/^ZK_LDAP_CA_FILE: cannot read/);
    expect(refusal({ ZK_LDAP_BIND_DN: 'cn=svc,dc=example,dc=org' })).toMatch(/^ZK_LDAP_BIND_PASSWORD must be set/);
    expect(refusal({ ZK_LDAP_BASE: undefined })).toMatch(/^ZK_LDAP_BASE must be/);
    expect(refusal({ ZK_LDAP_USER_FILTER: '(mail=user)' })).toMatch(/^ZK_LDAP_USER_FILTER must contain \{user\}/);
    expect(refusal({ ZK_LDAP_USER_FILTER: '(uid={user}' })).toMatch(/^ZK_LDAP_USER_FILTER must be an LDAP filter/);
    expect(refusal({ ZK_LDAP_GROUP_FILTER: '(objectClass=groupOfNames)' })).toMatch(/^ZK_LDAP_GROUP_FILTER must contain \{dn\} or \{user\}/);
    expect(refusal({ ZK_LDAP_ROLE_GROUPS: 'cn=x,dc=example,dc=org -> root' })).toMatch(/^ZK_LDAP_ROLE_GROUPS: .* a role is admin, editor or viewer/);
    expect(refusal({ ZK_LDAP_ROLE_GROUPS: 'cn=x,dc=example,dc=org admin' })).toMatch(/^ZK_LDAP_ROLE_GROUPS: .* is not GROUP-DN -> VALUE/);
    expect(refusal({ ZK_LDAP_ROLE_GROUPS: undefined })).toMatch(/^ZK_LDAP_ROLE_GROUPS must map at least one group/);
    expect(refusal({ ZK_LDAP_ZONE_GROUPS: 'cn=x,dc=example,dc=org -> request:' })).toMatch(/^ZK_LDAP_ZONE_GROUPS: the group .* names no zones/);
    expect(refusal({ ZK_LDAP_ZONE_GROUPS: 'cn=x,dc=example,dc=org -> bad..name' })).toMatch(/^ZK_LDAP_ZONE_GROUPS: "bad..name" .* is not a zone name/);
    // The web app's start check reads them too.
    process.env.ZK_LDAP_URL = 'ftp://x';
    expect(() => checkWebSettings()).toThrow(/ZK_LDAP_URL/);
  });

  it('reads the CA file at start', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zk-ldap-ca-')), 'ca.pem');
    fs.writeFileSync(file, 'not a certificate');
    expect(refusal({ ZK_LDAP_CA_FILE: file })).toMatch(/holds no PEM certificate/);
    fs.writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    process.env.ZK_LDAP_CA_FILE = file;
    expect(ldapSettings()!.ca).toContain('BEGIN CERTIFICATE');
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});

describe('normalizeDn', () => {
  it('compares DNs without case or spaces around separators, keeping escaped ones', () => {
    expect(normalizeDn(' CN=DNS Admins , OU=Groups,DC=Example ')).toBe('cn=dns admins,ou=groups,dc=example');
    expect(normalizeDn('cn=a\\, b,dc=x')).toBe('cn=a\\, b,dc=x');
  });
});
