// LDAP sign-in settings from the environment (ZK_LDAP_*), read like the rest
// of ./env.ts: when called, throwing an error that names the variable. Unset
// ZK_LDAP_URL means no directory: only local users sign in.
//
// Group mappings are lists of `GROUP-DN -> VALUE` separated by `;`. Neither
// `;` nor `>` may appear unescaped in a DN (RFC 4514 §2.4), so both
// separators are unambiguous whatever the DNs hold.
import fs from 'node:fs';
import { isRole, ROLES, type Role } from '../auth/permission';
import { absoluteName } from '../dns/names';

// lib/auth/zone-access.ts's GrantLevel; not imported from there, which reads the database this module's readers load.
export type LdapGrantLevel = 'edit' | 'request';

export interface LdapZoneGroup {
  /** The group's DN, normalized (normalizeDn). */
  group: string;
  /** Absolute zone names (`example.com.`). */
  zones: string[];
  level: LdapGrantLevel;
}

export interface LdapSettings {
  url: string;
  /** ldap:// upgraded with the StartTLS operation before any bind (ZK_LDAP_STARTTLS=1). */
  startTls: boolean;
  /** PEM of the CA(s) that signed the directory's certificate (ZK_LDAP_CA_FILE); the system's store when absent. */
  ca?: string;
  /** The service account that searches for users and groups; anonymous when absent. */
  bindDn?: string;
  bindPassword?: string;
  /** Where users are searched for (subtree). */
  base: string;
  /** Finds the entry of the name typed at sign-in: `{user}` stands for it, escaped per RFC 4515. */
  userFilter: string;
  /** How a user's groups are found: searched for under `base` with `filter` (`{dn}`, `{user}`), or read from the user entry's memberOf. */
  groups: { from: 'search'; base: string; filter: string } | { from: 'memberOf' };
  /** Group DN (normalized) → role; a user in several gets the highest. */
  roleGroups: Map<string, Role>;
  zoneGroups: LdapZoneGroup[];
}

/** The higher of two roles (admin > editor > viewer: ROLES lists them from the highest). */
export function higherRole(a: Role | undefined, b: Role): Role {
  return a === undefined || ROLES.indexOf(b) < ROLES.indexOf(a) ? b : a;
}

/**
 * A DN in one spelling for comparison: lowercase (attribute names and the
 * usual directory-string values compare without case) with the spaces around
 * `,` `+` and `=` dropped. Escaped separators are kept as they are.
 */
export function normalizeDn(dn: string): string {
  return dn
    .trim()
    .replace(/\s*(?<!\\)([,+=])\s*/g, '$1')
    .toLowerCase();
}

function env(name: string): string | undefined {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
}

function flag(name: string): boolean {
  const raw = env(name)?.toLowerCase();
  if (raw === undefined || raw === '0' || raw === 'no' || raw === 'false') return false;
  if (raw === '1' || raw === 'yes' || raw === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got "${process.env[name]}"`);
}

/** Checks an RFC 4515 filter's outline: one parenthesized expression with balanced parentheses, holding `must`. */
function filterVariable(name: string, fallback: string, must: string[]): string {
  const filter = env(name) ?? fallback;
  let depth = 0;
  let balanced = filter.startsWith('(') && filter.endsWith(')');
  for (let i = 0; i < filter.length && balanced; i++) {
    const c = filter[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i !== filter.length - 1) balanced = false;
    if (depth < 0) balanced = false;
  }
  if (!balanced || depth !== 0) throw new Error(`${name} must be an LDAP filter in parentheses, like ${fallback}; got "${filter}"`);
  const missing = must.filter((m) => !filter.includes(m));
  if (missing.length) throw new Error(`${name} must contain ${missing.join(' or ')} (where the ${missing[0] === '{user}' ? 'typed user name' : "user's DN"} goes), got "${filter}"`);
  return filter;
}

/** `DN -> VALUE; DN -> VALUE`: the entries, each split at its arrow. */
function mappingEntries(name: string, raw: string | undefined): { dn: string; value: string }[] {
  if (!raw) return [];
  const entries: { dn: string; value: string }[] = [];
  for (const part of raw.split(/(?<!\\);/)) {
    if (!part.trim()) continue;
    const arrow = part.indexOf('->');
    const dn = arrow < 0 ? '' : part.slice(0, arrow).trim();
    const value = arrow < 0 ? '' : part.slice(arrow + 2).trim();
    if (!dn.includes('=') || !value) throw new Error(`${name}: "${part.trim()}" is not GROUP-DN -> VALUE (entries separated by ;)`);
    entries.push({ dn: normalizeDn(dn), value });
  }
  return entries;
}

function roleGroups(): Map<string, Role> {
  const name = 'ZK_LDAP_ROLE_GROUPS';
  const map = new Map<string, Role>();
  for (const { dn, value } of mappingEntries(name, env(name))) {
    const role = value.toLowerCase();
    if (!isRole(role)) throw new Error(`${name}: the group ${dn} maps to "${value}"; a role is admin, editor or viewer`);
    map.set(dn, higherRole(map.get(dn), role));
  }
  if (map.size === 0) throw new Error(`${name} must map at least one group to a role (GROUP-DN -> admin|editor|viewer; …): a directory user signs in only with a role`);
  return map;
}

/** `GROUP-DN -> [edit:|request:] zone, zone …`. */
function zoneGroups(): LdapZoneGroup[] {
  const name = 'ZK_LDAP_ZONE_GROUPS';
  return mappingEntries(name, env(name)).map(({ dn, value }) => {
    const m = /^(edit|request)\s*:\s*(.*)$/i.exec(value);
    const level = (m ? m[1]!.toLowerCase() : 'edit') as LdapGrantLevel;
    const list = (m ? m[2]! : value).split(/[\s,]+/).filter(Boolean);
    if (list.length === 0) throw new Error(`${name}: the group ${dn} names no zones`);
    const zones = list.map((z) => {
      try {
        return absoluteName(z);
      } catch (err) {
        throw new Error(`${name}: "${z}" (group ${dn}) is not a zone name: ${(err as Error).message}`);
      }
    });
    return { group: dn, zones, level };
  });
}

/** The directory to sign users in against, or null when ZK_LDAP_URL is unset. */
export function ldapSettings(): LdapSettings | null {
  const url = env('ZK_LDAP_URL');
  if (!url) return null;
  if (!/^ldaps?:\/\/[^/\s]+\/?$/i.test(url)) throw new Error(`ZK_LDAP_URL must be ldap://HOST[:PORT] or ldaps://HOST[:PORT], got "${url}"`);
  const startTls = flag('ZK_LDAP_STARTTLS');
  if (startTls && url.toLowerCase().startsWith('ldaps:')) throw new Error('ZK_LDAP_STARTTLS=1 is for ldap:// URLs; an ldaps:// connection is encrypted from the start');
  const caFile = env('ZK_LDAP_CA_FILE');
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = fs.readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new Error(`ZK_LDAP_CA_FILE: cannot read ${caFile}: ${(err as Error).message}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`ZK_LDAP_CA_FILE: ${caFile} holds no PEM certificate`);
  }
  const bindDn = env('ZK_LDAP_BIND_DN');
  const bindPassword = process.env.ZK_LDAP_BIND_PASSWORD || undefined;
  if (bindDn && !bindPassword) throw new Error('ZK_LDAP_BIND_PASSWORD must be set with ZK_LDAP_BIND_DN');
  if (bindPassword && !bindDn) throw new Error('ZK_LDAP_BIND_DN must be set with ZK_LDAP_BIND_PASSWORD');
  const base = env('ZK_LDAP_BASE');
  if (!base || !base.includes('=')) throw new Error(`ZK_LDAP_BASE must be the DN users are searched under (like ou=people,dc=example,dc=org), got "${base ?? ''}"`);
  const userFilter = filterVariable('ZK_LDAP_USER_FILTER', '(uid={user})', ['{user}']);
  const groups: LdapSettings['groups'] = flag('ZK_LDAP_MEMBER_OF')
    ? { from: 'memberOf' }
    : {
        from: 'search',
        base: env('ZK_LDAP_GROUP_BASE') ?? base,
        filter: filterVariable('ZK_LDAP_GROUP_FILTER', '(&(objectClass=groupOfNames)(member={dn}))', []),
      };
  if (groups.from === 'search' && !groups.filter.includes('{dn}') && !groups.filter.includes('{user}')) {
    throw new Error(`ZK_LDAP_GROUP_FILTER must contain {dn} or {user} (the member to look for), got "${groups.filter}"`);
  }
  return { url, startTls, ca, bindDn, bindPassword, base, userFilter, groups, roleGroups: roleGroups(), zoneGroups: zoneGroups() };
}
