// Signing in against an LDAP directory (ldapts): find the typed name's entry
// with the service account, read its groups, then bind as that entry with the
// typed password. The directory's answer is turned into a role and zone
// grants (ZK_LDAP_ROLE_GROUPS, ZK_LDAP_ZONE_GROUPS, lib/config/ldap.ts);
// lib/auth/users.ts writes them. Loaded only when a directory user signs in,
// so the CLI and pages that never do so do not load the LDAP client.
import { Client, InvalidCredentialsError, SizeLimitExceededError, type Entry } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import { higherRole, normalizeDn, type LdapGrantLevel, type LdapSettings } from '../config/ldap';
import type { Role } from './permission';

/** The directory could not answer (down, refused our TLS or service account, a bad base): no one from it signs in now. */
export class DirectoryUnreachable extends Error {
  constructor(readonly reason: string) {
    super(`LDAP directory unreachable: ${reason}`);
    this.name = 'DirectoryUnreachable';
  }
}

/** The directory knows the user and the password is right, but none of their groups maps to a role. */
export class NoDirectoryRole extends Error {
  constructor(
    readonly dn: string,
    readonly groups: string[],
    /** Where the groups were looked for, for the admin reading the log. */
    lookedIn: string,
  ) {
    super(`${dn} is in no group of ZK_LDAP_ROLE_GROUPS (its groups, from ${lookedIn}: ${groups.length ? groups.join('; ') : 'none'})`);
    this.name = 'NoDirectoryRole';
  }
}

/** What the directory grants a user: a role and zone levels by absolute zone name. */
export interface DirectoryAccess {
  dn: string;
  role: Role;
  zones: Map<string, LdapGrantLevel>;
}

/**
 * Escapes a value for an RFC 4515 search filter (§3: `*`, `(`, `)`, `\` and
 * NUL as `\XX`), so a typed name can only ever be compared, never widen the
 * search (`*`) or add conditions.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The role and zone grants the groups `groupDns` give under `settings`, or null when none maps to a role. */
export function accessFromGroups(settings: Pick<LdapSettings, 'roleGroups' | 'zoneGroups'>, groupDns: string[]): Omit<DirectoryAccess, 'dn'> | null {
  const groups = new Set(groupDns.map(normalizeDn));
  let role: Role | undefined;
  for (const g of groups) {
    const r = settings.roleGroups.get(g);
    if (r) role = higherRole(role, r);
  }
  if (!role) return null;
  const zones = new Map<string, LdapGrantLevel>();
  for (const zg of settings.zoneGroups) {
    if (!groups.has(zg.group)) continue;
    // Two groups naming one zone: edit is the more, so it wins.
    for (const z of zg.zones) if (zones.get(z) !== 'edit') zones.set(z, zg.level);
  }
  return { role, zones };
}

const CONNECT_TIMEOUT_MS = 5_000;
const OPERATION_TIMEOUT_MS = 10_000;

function attributeValues(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/** A refusal: no entry (or more than one) for the name, or the entry's password is not the typed one. */
export type DirectoryRefusal = 'no-entry' | 'wrong-password';

/**
 * Checks `name` and `password` against the directory. Returns what the
 * directory grants, or why it refused; throws NoDirectoryRole when the
 * password is right but no group maps to a role, and DirectoryUnreachable
 * when the directory cannot answer.
 */
export async function checkDirectoryLogin(settings: LdapSettings, name: string, password: string): Promise<DirectoryAccess | DirectoryRefusal> {
  // An empty password would make a simple bind "unauthenticated", which
  // servers accept for any DN (RFC 4513 §5.1.2): never let it through.
  if (password === '') return 'wrong-password';
  const tls: ConnectionOptions = settings.ca ? { ca: settings.ca } : {};
  // ldapts speaks TLS from the start whenever tlsOptions is given, so only for ldaps://.
  const ldaps = settings.url.toLowerCase().startsWith('ldaps:');
  const client = new Client({ url: settings.url, connectTimeout: CONNECT_TIMEOUT_MS, timeout: OPERATION_TIMEOUT_MS, ...(ldaps ? { tlsOptions: tls } : {}) });
  let step = 'connecting';
  try {
    if (settings.startTls) {
      step = 'StartTLS';
      await client.startTLS(tls);
    }
    if (settings.bindDn) {
      step = `binding as the service account ${settings.bindDn} (ZK_LDAP_BIND_DN)`;
      await client.bind(settings.bindDn, settings.bindPassword);
    }
    step = `searching ${settings.base} for the user`;
    const user = escapeFilterValue(name);
    const attributes = settings.groups.from === 'memberOf' ? ['memberOf'] : ['1.1'];
    const entries = await client
      .search(settings.base, { scope: 'sub', filter: settings.userFilter.replaceAll('{user}', user), attributes, sizeLimit: 2 })
      .then((r) => r.searchEntries)
      .catch((err: unknown) => {
        // More entries than the limit of 2: ambiguous, like two entries.
        if (err instanceof SizeLimitExceededError) return [null, null];
        throw err;
      });
    if (entries.length !== 1) {
      if (entries.length > 1) console.warn(`LDAP: more than one entry under ${settings.base} matches ${settings.userFilter} for "${name}"; sign-in refused`);
      return 'no-entry';
    }
    const entry = entries[0]!;
    let groups: string[];
    if (settings.groups.from === 'memberOf') {
      groups = attributeValues(entry, 'memberOf');
    } else {
      step = `searching ${settings.groups.base} for the user's groups`;
      const filter = settings.groups.filter.replaceAll('{dn}', escapeFilterValue(entry.dn)).replaceAll('{user}', user);
      groups = (await client.search(settings.groups.base, { scope: 'sub', filter, attributes: ['1.1'] })).searchEntries.map((g) => g.dn);
    }
    // Last, so the searches above ran as the service account, whatever the directory lets users read.
    step = 'binding as the user';
    try {
      await client.bind(entry.dn, password);
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return 'wrong-password';
      throw err;
    }
    const access = accessFromGroups(settings, groups);
    if (!access) {
      const lookedIn = settings.groups.from === 'memberOf' ? 'its memberOf' : `a search under ${settings.groups.base} for ${settings.groups.filter}`;
      throw new NoDirectoryRole(entry.dn, groups, lookedIn);
    }
    return { dn: entry.dn, ...access };
  } catch (err) {
    if (err instanceof NoDirectoryRole) throw err;
    throw new DirectoryUnreachable(`${settings.url}, ${step}: ${(err as Error).message}`);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
