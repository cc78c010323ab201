// A real OpenLDAP server (Debian's slapd 2.5) for the LDAP sign-in tests: its
// own slapd.conf and mdb database in a temp folder, listening on loopback
// with ldap:// (StartTLS
// offered) and ldaps://, with a certificate from a CA made by openssl for the
// test; the LDIF given is added through the server once it listens (so an
// overlay such as memberOf sees it, which slapadd's offline load would not
// let it do). No root needed, nothing read from /etc/ldap but the stock schema
// files, nothing written outside the folder. stop() ends the process it
// started by PID and removes the folder (kept with ZK_KEEP_PEERS=1).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnPeer, tail } from './bind';
import { runProgram } from './run-program';
import { requirePrograms } from './system-program';

export interface SlapdPrograms {
  slapd: string;
  ldapmodify: string;
  openssl: string;
}

/** The programs the harness runs, or null when one is missing and the test should skip (under CI: throws). */
export function requireSlapd(): SlapdPrograms | null {
  return requirePrograms({ slapd: 'slapd', ldapmodify: 'ldap-utils', openssl: 'openssl' });
}

export interface RunningSlapd {
  /** ldap://127.0.0.1:PORT (StartTLS available). */
  url: string;
  /** ldaps://127.0.0.1:PORT. */
  ldapsUrl: string;
  /** PEM file of the CA that signed the server's certificate (for 127.0.0.1 and localhost). */
  caFile: string;
  /** The database's root DN and its password: the test's service account. */
  rootDn: string;
  rootPassword: string;
  /** Applies an LDIF of changes (changetype: modify / delete / add; with `add`, entries without one are added) as the root DN. */
  modify(ldif: string, opts?: { add?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export interface SlapdOptions {
  programs: SlapdPrograms;
  /** The database's suffix, e.g. `dc=example,dc=org`; the LDIF must create its entry. */
  suffix: string;
  /** Entries added once it listens, the suffix's own first. */
  ldif: string;
  /**
   * Runs the memberOf overlay, which gives each member a memberOf attribute
   * naming its groups (ZK_LDAP_MEMBER_OF=1). Off by default: a plain slapd.
   */
  memberOf?: boolean;
  /** The ldap:// port, for a product configured before the server starts (the e2e tests); default a free one. */
  port?: number;
  /** The root DN's password (the tests' service account; the root DN is cn=admin under the suffix). */
  rootPassword?: string;
  startTimeoutMs?: number;
}

const DEFAULT_ROOT_PASSWORD = 'root-secret-for-tests';
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];

export async function startSlapd(opts: SlapdOptions): Promise<RunningSlapd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-slapd-'));
  try {
    const caFile = await makeCertificates(opts.programs.openssl, dir);
    const conf = writeConfig(dir, opts);
    const running = await listen(opts, dir, conf, caFile);
    try {
      await running.modify(opts.ldif, { add: true });
    } catch (err) {
      await running.stop();
      throw err;
    }
    return running;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function makeCertificates(openssl: string, dir: string): Promise<string> {
  const at = (f: string) => path.join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const steps: string[][] = [
    ['req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=Zonekeeper test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ['req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'),
      '-days', '2', '-extfile', at('server.ext')],
  ];
  fs.writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  for (const args of steps) {
    const r = await runProgram(openssl, args, { timeoutMs: 20_000 });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed:\n${r.stderr}`);
  }
  return at('ca.pem');
}

function writeConfig(dir: string, opts: SlapdOptions): string {
  const q = (s: string) => JSON.stringify(s);
  const db = path.join(dir, 'db');
  fs.mkdirSync(db);
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(
    conf,
    [
      ...SCHEMAS.map((s) => `include /etc/ldap/schema/${s}.schema`),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      ...(opts.memberOf ? ['moduleload memberof'] : []),
      `pidfile ${q(path.join(dir, 'slapd.pid'))}`,
      `argsfile ${q(path.join(dir, 'slapd.args'))}`,
      `TLSCACertificateFile ${q(path.join(dir, 'ca.pem'))}`,
      `TLSCertificateFile ${q(path.join(dir, 'server.pem'))}`,
      `TLSCertificateKeyFile ${q(path.join(dir, 'server.key'))}`,
      'TLSVerifyClient never',
      'database mdb',
      'maxsize 16777216',
      `suffix ${q(opts.suffix)}`,
      `rootdn ${q(`cn=admin,${opts.suffix}`)}`,
      `rootpw ${opts.rootPassword ?? DEFAULT_ROOT_PASSWORD}`,
      `directory ${q(db)}`,
      ...(opts.memberOf ? ['overlay memberof'] : []),
      // Users may bind and read themselves; anything else is the root DN's (the service account here).
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by self read by anonymous auth by * none',
      '',
    ].join('\n'),
  );
  return conf;
}

async function listen(opts: SlapdOptions, dir: string, conf: string, caFile: string): Promise<RunningSlapd> {
  const port = opts.port ?? (await freePort('127.0.0.1'));
  const tlsPort = await freePort('127.0.0.1');
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  // -d keeps it in the foreground (and unforked), so its PID is the one to stop.
  const peer = spawnPeer('slapd', opts.programs.slapd, ['-f', conf, '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], dir, path.join(dir, 'slapd.log'));
  const rootDn = `cn=admin,${opts.suffix}`;
  const rootPassword = opts.rootPassword ?? DEFAULT_ROOT_PASSWORD;
  const running: RunningSlapd = {
    url,
    ldapsUrl,
    caFile,
    rootDn,
    rootPassword,
    modify: async (ldif, how) => {
      const args = ['-x', '-H', url, '-D', rootDn, '-w', rootPassword, ...(how?.add ? ['-a'] : [])];
      const r = await runProgram(opts.programs.ldapmodify, args, { input: ldif, timeoutMs: 20_000 });
      if (r.status !== 0) throw new Error(`ldapmodify failed (${r.status}):\n${r.stderr}${r.stdout}`);
    },
    stop: peer.stop,
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (peer.exited()) throw new Error(`slapd exited before listening on ${url}:\n${tail(peer.output())}`);
    if ((await accepts(port)) && (await accepts(tlsPort))) return running;
    if (Date.now() > deadline) {
      const output = peer.output();
      await peer.stop();
      throw new Error(`slapd did not listen on ${url} and ${ldapsUrl} in time:\n${tail(output)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
