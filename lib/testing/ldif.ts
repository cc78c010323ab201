// Test directories in LDIF for lib/testing/slapd.ts: people who can bind and
// groupOfNames groups under a suffix, and the membership changes a test makes.
// Plain strings, no I/O, so the e2e environment (e2e/helpers/env.ts) can build
// its directory without loading the server harness.

/** The DN of the person `uid` in ou=people under `suffix`. */
export const personDn = (suffix: string, uid: string) => `uid=${uid},ou=people,${suffix}`;
/** The DN of the group `cn` in ou=groups under `suffix`. */
export const groupDn = (suffix: string, cn: string) => `cn=${cn},ou=groups,${suffix}`;

/** The suffix's entry (`dc=NAME,…`) with ou=people and ou=groups below it. */
export function baseLdif(suffix: string): string {
  const dc = /^dc=([^,]+)/i.exec(suffix)?.[1];
  if (!dc) throw new Error(`the suffix must start with dc=, got ${suffix}`);
  return [
    `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\no: ${dc}\ndc: ${dc}\n`,
    `dn: ou=people,${suffix}\nobjectClass: organizationalUnit\nou: people\n`,
    `dn: ou=groups,${suffix}\nobjectClass: organizationalUnit\nou: groups\n`,
  ].join('\n');
}

/** A person who can bind with `password` (stored as given: slapd compares it as is). */
export function personLdif(suffix: string, uid: string, password: string): string {
  return `dn: ${personDn(suffix, uid)}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\nuserPassword: ${password}\n`;
}

/** A groupOfNames of the people `uids` (at least one: the schema requires a member). */
export function groupLdif(suffix: string, cn: string, uids: string[]): string {
  return `dn: ${groupDn(suffix, cn)}\nobjectClass: groupOfNames\ncn: ${cn}\n${uids.map((u) => `member: ${personDn(suffix, u)}\n`).join('')}`;
}

/** An ldapmodify change adding (or deleting) the person `uid` to the group `cn`. */
export function membershipLdif(suffix: string, cn: string, uid: string, change: 'add' | 'delete'): string {
  return `dn: ${groupDn(suffix, cn)}\nchangetype: modify\n${change}: member\nmember: ${personDn(suffix, uid)}\n`;
}
