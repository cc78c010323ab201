// A real validator checks our DO answers: BIND's delv, with the zone's KSK as
// its only trust anchor, asks the worker's listeners (UDP and TCP, the
// production handler and response cache) about a zone signed by
// dnssec-signzone, and must call every answer, positive and negative, fully
// validated (RFC 4035 §5); an A record changed after signing must fail.
// delv is a stub that expects recursion, so a delegation is checked by its
// parent-side data (the DS, or the proof there is none), not by a referral.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delv as askDelv, FULLY_VALIDATED as POSITIVE, NEGATIVE_VALIDATED as NEGATIVE, UNSIGNED_ANSWER, writeTrustAnchor } from '../testing/delv';
import { dnssecZoneFile, SIGNED_ZONE } from '../testing/dnssec-zone';
import { serveStore, signedStore, signWithBind, type ServedZone, type SignedZone } from '../testing/signed-zone';
import { requirePrograms } from '../testing/system-program';

const programs = requirePrograms({ delv: 'bind9-dnsutils', 'dnssec-keygen': 'bind9-utils', 'dnssec-signzone': 'bind9-utils' });
const Z = SIGNED_ZONE;

/**
 * With Opt-Out, the NSEC3 that covers a wildcard answer's next closer name may be skipping an
 * insecure delegation, so it proves no more than that the answer may be unsigned: validators
 * call it insecure (RFC 5155 §9.2), and so does delv.
 */
const INSECURE = UNSIGNED_ANSWER;

const QUESTIONS: { name: string; type: string; expect: string; optOut?: string }[] = [
  { name: `www.${Z}`, type: 'A', expect: POSITIVE },
  { name: Z, type: 'MX', expect: POSITIVE },
  { name: `nope.${Z}`, type: 'A', expect: NEGATIVE },
  { name: `a.b.nope.${Z}`, type: 'TXT', expect: NEGATIVE },
  { name: `www.${Z}`, type: 'MX', expect: NEGATIVE },
  { name: `ent.${Z}`, type: 'A', expect: NEGATIVE },
  { name: `x.wild.${Z}`, type: 'A', expect: POSITIVE, optOut: INSECURE },
  { name: `x.wild.${Z}`, type: 'MX', expect: NEGATIVE },
  { name: `chain.${Z}`, type: 'A', expect: POSITIVE },
  { name: `cwild.${Z}`, type: 'A', expect: POSITIVE, optOut: INSECURE },
  { name: `secure.${Z}`, type: 'DS', expect: POSITIVE },
  { name: `insecure.${Z}`, type: 'DS', expect: NEGATIVE },
];

const delv = (anchors: string, port: number, name: string, type: string) => askDelv({ program: programs!.delv, anchors, zone: Z, port }, name, type);

describe.skipIf(!programs).each(['nsec', 'nsec3', 'nsec3-optout'] as const)('delv validates answers from a zone signed with %s', (denial) => {
  let signed: SignedZone;
  let served: ServedZone;
  let dir: string;
  let anchors: string;

  beforeAll(async () => {
    signed = signWithBind(Z, dnssecZoneFile(), { keygen: programs!['dnssec-keygen'], signzone: programs!['dnssec-signzone'], denial });
    served = await serveStore(signedStore(signed));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-delv-'));
    anchors = writeTrustAnchor(dir, Z, signed.ksk);
  });

  afterAll(async () => {
    await served?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(QUESTIONS)('$name $type', async ({ name, type, expect: verdict, optOut }) => {
    const out = await delv(anchors, served.port, name, type);
    expect(out.split('\n'), out).toContain(denial === 'nsec3-optout' ? (optOut ?? verdict) : verdict);
  });

  it('fails to validate an A record changed after signing', async () => {
    const tampered = { ...signed, records: signed.records.map((r) => (r.name === `www.${Z}` && r.type === 'A' ? { ...r, content: '192.0.2.66' } : r)) };
    const bad = await serveStore(signedStore(tampered));
    try {
      const out = await delv(anchors, bad.port, `www.${Z}`, 'A');
      expect(out, out).not.toContain('fully validated');
      expect(out, out).toContain('resolution failed');
      // The rest of the zone still validates: only the changed RRset is bogus.
      expect(await delv(anchors, bad.port, `www.${Z}`, 'AAAA')).toContain(POSITIVE);
    } finally {
      await bad.stop();
    }
  });
});
