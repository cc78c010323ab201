// DNS UPDATE (RFC 2136) beside BIND 9.18: BIND as the primary of a zone with
// an update-policy, and the worker with the same zone, keys and rules, get the
// same signed UPDATEs in the same order. Each answer's rcode must be equal,
// and after each step the AXFR of both (SOA serial aside) must be equal.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, type TsigKey } from '../dns/tsig';
import { decodeMessage, rcodeName } from '../dns/wire';
import { startBind, type RunningBind } from '../testing/bind';
import { sendRaw } from '../testing/dns-client';
import { requireProgram } from '../testing/system-program';
import { buildUpdate, type UpdateRR } from '../testing/update-builder';
import { transfer } from '../testing/xfr-client';
import { importZone } from '../zones/changes';
import { createTsigKey, signingKey } from '../zones/tsig-keys';
import { setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const named = requireProgram('named', 'bind9');
const Z = 'upd.test.';
const actor = { name: 'test' };

const ZONE_FILE = [
  `$ORIGIN ${Z}`,
  '$TTL 300',
  '@ IN SOA ns1 hostmaster 1 3600 600 86400 300',
  '@ IN NS ns1',
  '@ IN NS ns2',
  '@ IN MX 10 mail.example.net.',
  'ns1 IN A 127.0.0.1',
  'ns2 IN A 127.0.0.2',
  'www IN A 192.0.2.1',
  'www IN A 192.0.2.2',
  'txt IN TXT "hello"',
  'alias IN CNAME www',
  'deep.sub IN A 192.0.2.9',
  '',
].join('\n');

// Both rules as BIND writes them; ours take the same text.
const POLICY = ['grant full zonesub ANY', `grant acme name _acme-challenge.${Z} TXT`];

const n = (label: string) => (label === '@' ? Z : `${label}.${Z}`);
const add = (label: string, type: string, content: string, ttl = 300): UpdateRR => ({ name: n(label), type, ttl, content });
const delRecord = (label: string, type: string, content: string): UpdateRR => ({ name: n(label), type, cls: 'NONE', content });
const delSet = (label: string, type: string): UpdateRR => ({ name: n(label), type, cls: 'ANY' });
const delName = (label: string): UpdateRR => ({ name: n(label), type: 'ANY', cls: 'ANY' });
const inUse = (label: string): UpdateRR => ({ name: n(label), type: 'ANY', cls: 'ANY' });
const notInUse = (label: string): UpdateRR => ({ name: n(label), type: 'ANY', cls: 'NONE' });
const setExists = (label: string, type: string): UpdateRR => ({ name: n(label), type, cls: 'ANY' });
const setAbsent = (label: string, type: string): UpdateRR => ({ name: n(label), type, cls: 'NONE' });
const setEquals = (label: string, type: string, content: string): UpdateRR => ({ name: n(label), type, content });

type Key = 'full' | 'acme' | 'unknown' | 'late';
/** [what it shows, key, prerequisites, updates]. */
const STEPS: [string, Key, UpdateRR[], UpdateRR[]][] = [
  ['name in use, true', 'full', [inUse('www')], [add('new1', 'A', '192.0.2.10')]],
  ['name in use, false', 'full', [inUse('nothere')], [add('new2', 'A', '192.0.2.11')]],
  ['name not in use, false', 'full', [notInUse('www')], [add('new3', 'A', '192.0.2.12')]],
  ['name not in use, true', 'full', [notInUse('nothere')], [add('nothere', 'TXT', '"made"')]],
  ['an empty non-terminal is not in use', 'full', [notInUse('sub')], [add('ent', 'A', '192.0.2.13')]],
  ['RRset exists, true', 'full', [setExists('www', 'A')], [add('www', 'AAAA', '2001:db8::1')]],
  ['RRset exists, false', 'full', [setExists('txt', 'A')], [add('x1', 'A', '192.0.2.14')]],
  ['RRset does not exist, false', 'full', [setAbsent('www', 'A')], [add('x2', 'A', '192.0.2.15')]],
  ['RRset does not exist, true', 'full', [setAbsent('www', 'MX')], [add('www', 'TXT', '"ok"')]],
  ['RRset equals, true (order and TTL aside)', 'full', [setEquals('www', 'A', '192.0.2.2'), setEquals('www', 'A', '192.0.2.1')], [add('eq', 'A', '192.0.2.16')]],
  ['RRset equals, false (a subset)', 'full', [setEquals('www', 'A', '192.0.2.1')], [add('x3', 'A', '192.0.2.17')]],
  ['a later prerequisite fails after earlier ones held', 'full', [inUse('www'), setExists('www', 'A'), setAbsent('txt', 'TXT')], [add('x4', 'A', '192.0.2.18')]],
  ['delete one record', 'full', [], [delRecord('www', 'A', '192.0.2.2')]],
  ['delete an RRset', 'full', [], [delSet('txt', 'TXT')]],
  ['delete a name', 'full', [], [delName('new1')]],
  ['delete a record that is not there', 'full', [], [delRecord('www', 'A', '192.0.2.99')]],
  ['delete the apex NS set: ignored', 'full', [], [delSet('@', 'NS')]],
  ['delete the apex SOA: ignored', 'full', [], [delSet('@', 'SOA')]],
  ['delete everything at the apex: SOA and NS stay', 'full', [], [delName('@')]],
  ['delete one apex NS', 'full', [], [delRecord('@', 'NS', `ns2.${Z}`)]],
  ['delete the last apex NS: ignored', 'full', [], [delRecord('@', 'NS', `ns1.${Z}`)]],
  ['add an A beside a CNAME: ignored', 'full', [], [add('alias', 'A', '192.0.2.20')]],
  ['add a CNAME beside an A: ignored', 'full', [], [add('www', 'CNAME', `other.example.net.`)]],
  ['replace a CNAME with another', 'full', [], [add('alias', 'CNAME', `other.example.net.`)]],
  ['add a duplicate record', 'full', [], [add('www', 'A', '192.0.2.1')]],
  ['add to a set with another TTL', 'full', [], [add('www', 'A', '192.0.2.5', 60)]],
  ['a mix: delete, add, delete and re-add the same record', 'full', [], [delRecord('www', 'A', '192.0.2.1'), add('www', 'A', '192.0.2.3'), add('mixed', 'TXT', '"one"'), delRecord('mixed', 'TXT', '"one"'), add('mixed', 'TXT', '"one"')]],
  ['an SOA with a lower serial: ignored', 'full', [], [add('@', 'SOA', `ns1.${Z} hostmaster.${Z} 0 7200 600 86400 300`)]],
  ['a name outside the zone', 'full', [], [{ name: 'x.other.test.', type: 'A', ttl: 300, content: '192.0.2.1' }]],
  ['a prerequisite outside the zone', 'full', [{ name: 'x.other.test.', type: 'ANY', cls: 'ANY' }], [add('x5', 'A', '192.0.2.21')]],
  ['the ACME key sets its TXT', 'acme', [], [add('_acme-challenge', 'TXT', '"token"', 60)]],
  ['the ACME key adds an A: outside the policy', 'acme', [], [add('www', 'A', '192.0.2.30')]],
  ['the ACME key deletes its TXT', 'acme', [], [delSet('_acme-challenge', 'TXT')]],
  ['an unknown key', 'unknown', [], [add('x6', 'A', '192.0.2.22')]],
  ['a signature an hour old', 'late', [], [add('x7', 'A', '192.0.2.23')]],
];

describe.skipIf(!named)('DNS UPDATE beside BIND 9.18', { timeout: 120_000 }, () => {
  let bind: RunningBind;
  let worker: RunningWorker;
  const keys = {} as Record<'full' | 'acme', TsigKey>;

  beforeAll(async () => {
    for (const name of ['full', 'acme'] as const) {
      const k = await createTsigKey(name, 'hmac-sha256');
      keys[name] = signingKey(k);
    }
    await importZone(Z, ZONE_FILE, actor);
    await setZoneOptions(Z, { updatePolicy: POLICY }, actor);
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 100 });
    bind = await startBind({
      program: named!,
      files: { 'upd.test.db': ZONE_FILE },
      config: (dir) =>
        [
          ...(['full', 'acme'] as const).map((k) => `key "${k}" { algorithm hmac-sha256; secret "${keys[k].secret.toString('base64')}"; };`),
          `zone "${Z}" { type primary; file "${path.join(dir, 'upd.test.db')}"; notify no; update-policy { ${POLICY.map((p) => `${p};`).join(' ')} }; };`,
        ].join('\n'),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await bind?.stop();
  });

  /** The zone as each server transfers it: every record but the SOA serial, sorted. */
  const zoneOf = async (port: number) => {
    const t = await transfer(port, Z, 'AXFR');
    const lines = t.records.slice(1).map((r) => {
      const data = r.type === 'SOA' ? { ...(r.data as object), serial: 0 } : r.data;
      return `${r.name.toLowerCase()} ${r.ttl} ${r.type} ${JSON.stringify(data)}`;
    });
    return lines.sort();
  };

  const send = async (port: number, step: (typeof STEPS)[number]): Promise<string> => {
    const [, key, prereqs, updates] = step;
    const raw = buildUpdate(Z, prereqs, updates);
    const signWith = key === 'unknown' ? { ...keys.full, name: 'nobody.' } : keys[key === 'late' ? 'full' : key];
    const signed = signMessage(raw, signWith, key === 'late' ? { timeSigned: Math.floor(Date.now() / 1000) - 3600 } : {}).message;
    const reply = await sendRaw(port, signed, 'tcp', 5000);
    if (!reply) return 'no answer';
    return rcodeName(decodeMessage(reply).rcode);
  };

  it('answers every UPDATE with BIND\'s rcode, and both zones stay the same', async () => {
    expect(await zoneOf(worker.dns[0]!.port)).toEqual(await zoneOf(bind.port));
    const differences: string[] = [];
    for (const step of STEPS) {
      const theirs = await send(bind.port, step);
      const ours = await send(worker.dns[0]!.port, step);
      if (theirs !== ours) differences.push(`${step[0]}: BIND ${theirs}, ours ${ours}`);
      // The worker serves what was committed once it reloads (every 100 ms here).
      await new Promise((r) => setTimeout(r, 250));
      const [b, o] = [await zoneOf(bind.port), await zoneOf(worker.dns[0]!.port)];
      if (JSON.stringify(b) !== JSON.stringify(o)) {
        differences.push(`${step[0]}: zones differ\n  only BIND: ${b.filter((l) => !o.includes(l)).join('\n    ')}\n  only ours: ${o.filter((l) => !b.includes(l)).join('\n    ')}`);
        break;
      }
    }
    expect(differences).toEqual([]);
  });
});
