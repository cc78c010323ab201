// One place for the addresses and secrets of the product the e2e tests start.
// playwright.config.ts hands these to the web server; specs import them.
// The runner and its workers each load this module: the data directory is
// made once, by whichever loads it first, and passed on through the
// environment so all of them agree.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseLdif, groupLdif, personLdif } from '../../lib/testing/ldif';
import { findProgram } from '../../lib/testing/system-program';

// ZK_E2E_PORT_BASE moves all four ports (web, DNS, control, LDAP), so that two checkouts can run their browser tests at once.
const base = Number(process.env.ZK_E2E_PORT_BASE ?? 0);
export const WEB_PORT = base ? base : 3100;
export const BASE_URL = `http://127.0.0.1:${WEB_PORT}`;
export const DNS_HOST = '127.0.0.1';
export const DNS_PORT = base ? base + 1 : 5391;
export const CONTROL_PORT = base ? base + 2 : 5392;
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-password';
export const METRICS_TOKEN = 'e2e-metrics-token-0123456789abcdef0123456789';

// The LDAP directory the product signs directory users in against: a slapd that
// e2e/global-setup.ts runs on LDAP_PORT for the whole run, with the people and
// groups of directoryLdif(). Left out where slapd is not installed (outside CI),
// and the directory's spec skips there.
export const LDAP_PORT = base ? base + 3 : 5393;
export const LDAP_SUFFIX = 'dc=e2e,dc=test';
export const LDAP_ROOT_PASSWORD = 'e2e-ldap-root-password';
/** The zone the directory's group `zone-team` edits. */
export const LDAP_ZONE = 'directory-team.test';
/** The directory's people (uid → password): dora is an editor in zone-team; ned is in zone-team only, so he has no role. */
export const DIRECTORY_PEOPLE = { dora: 'dora-directory-pass', ned: 'ned-directory-pass' } as const;
export const directoryEnabled = Boolean(process.env.CI) || (findProgram('slapd') !== null && findProgram('ldapmodify') !== null);

/** The directory's entries, in LDIF. */
export function directoryLdif(): string {
  return [
    baseLdif(LDAP_SUFFIX),
    ...Object.entries(DIRECTORY_PEOPLE).map(([uid, password]) => personLdif(LDAP_SUFFIX, uid, password)),
    groupLdif(LDAP_SUFFIX, 'dns-editors', ['dora']),
    groupLdif(LDAP_SUFFIX, 'zone-team', ['dora', 'ned']),
  ].join('\n');
}

process.env.ZK_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'zk-e2e-'));
export const DATA_DIR = process.env.ZK_E2E_DATA_DIR;
export const DATABASE_URL = `file:${path.join(DATA_DIR, 'zk.db')}`;

/** The environment the product runs with during the e2e tests. */
export const serverEnv: Record<string, string> = {
  PORT: String(WEB_PORT),
  ZK_DATA_DIR: DATA_DIR,
  DATABASE_URL,
  ZK_DNS_LISTEN: `${DNS_HOST}:${DNS_PORT}`,
  ZK_CONTROL_PORT: String(CONTROL_PORT),
  ZK_ADMIN_PASSWORD: ADMIN_PASSWORD,
  // Probe secondaries every 2 s so the replication pages change state within a test
  // (the e2e database holds a few dozen zones: a fast sweep covers them all in that time).
  ZK_PROBE_INTERVAL: '2',
  ZK_PROBE_RATE: '50',
  ZK_METRICS_TOKEN: METRICS_TOKEN,
  ...(directoryEnabled
    ? {
        ZK_LDAP_URL: `ldap://127.0.0.1:${LDAP_PORT}`,
        ZK_LDAP_BIND_DN: `cn=admin,${LDAP_SUFFIX}`,
        ZK_LDAP_BIND_PASSWORD: LDAP_ROOT_PASSWORD,
        ZK_LDAP_BASE: `ou=people,${LDAP_SUFFIX}`,
        ZK_LDAP_GROUP_BASE: `ou=groups,${LDAP_SUFFIX}`,
        ZK_LDAP_ROLE_GROUPS: `cn=dns-editors,ou=groups,${LDAP_SUFFIX} -> editor`,
        ZK_LDAP_ZONE_GROUPS: `cn=zone-team,ou=groups,${LDAP_SUFFIX} -> ${LDAP_ZONE}`,
      }
    : {}),
  NEXT_TELEMETRY_DISABLED: '1',
};
