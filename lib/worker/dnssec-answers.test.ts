// Answers from a zone signed by dnssec-signzone, fed to the handler as packets
// (no sockets): with the DO bit every RRset comes with its RRSIGs and every
// negative or synthesized answer with its NSEC or NSEC3 proof (RFC 4035 §3.1,
// RFC 5155 §7.2); without it the answers are the plain ones. Expected proofs
// are named by the names they prove (proofOwner finds the record), so one
// table serves both kinds of chain.
import { describe, expect, it } from 'vitest';
import type { RR } from '../dns/types';
import { decodeMessage, encodeMessage, RCODE, type Message, type WireRecord } from '../dns/wire';
import { queryMessage } from '../testing/dns-client';
import { dnssecZoneFile, proofOwner, SIGNED_ZONE } from '../testing/dnssec-zone';
import { signedStore, signWithBind, type SignedZone } from '../testing/signed-zone';
import { requirePrograms } from '../testing/system-program';
import { handleMessage } from './handler';
import { log } from './logger';
import type { HandlerContext } from './request';
import { ResponseCache } from './response-cache';
import { patchSnapshot } from './zone-patch';
import { ZoneStore } from './zone-store';

const programs = requirePrograms({ 'dnssec-keygen': 'bind9-utils', 'dnssec-signzone': 'bind9-utils' });
const Z = SIGNED_ZONE;
const peer = { address: '127.0.0.1', port: 5353 };

/** `owner TYPE`, or `owner RRSIG COVERED` for a signature. */
function line(rr: WireRecord): string {
  const covered = rr.type === 'RRSIG' ? ` ${(rr.data as { typeCovered: string }).typeCovered}` : '';
  return `${rr.name.toLowerCase()} ${rr.type}${covered}`;
}
const lines = (rrs: WireRecord[]) => rrs.map(line).sort();

/** An RRset with its signatures, as section lines. */
const signed = (owner: string, type: string) => [`${owner} ${type}`, `${owner} RRSIG ${type}`];

interface Row {
  q: string;
  type: string;
  rcode: number;
  aa?: boolean;
  answer: string[];
  /** Authority lines besides the proofs. */
  authority: string[];
  /** Names whose NSEC/NSEC3 (matching or covering) the authority section must carry, signed. */
  proves?: string[];
  additional?: string[];
}

const soa = signed(Z, 'SOA');
const rows: Row[] = [
  { q: `www.${Z}`, type: 'A', rcode: RCODE.NOERROR, answer: signed(`www.${Z}`, 'A'), authority: [] },
  { q: `www.${Z}`, type: 'MX', rcode: RCODE.NOERROR, answer: [], authority: soa, proves: [`www.${Z}`] },
  // RFC 4035 §3.1.3.2 / RFC 5155 §7.2.2: the name, the closest encloser (NSEC3), and the wildcard.
  { q: `nope.${Z}`, type: 'A', rcode: RCODE.NXDOMAIN, answer: [], authority: soa, proves: [`nope.${Z}`, `*.${Z}`] },
  { q: `a.b.nope.${Z}`, type: 'A', rcode: RCODE.NXDOMAIN, answer: [], authority: soa, proves: [`nope.${Z}`, `*.${Z}`] },
  // An empty non-terminal: NODATA.
  { q: `ent.${Z}`, type: 'A', rcode: RCODE.NOERROR, answer: [], authority: soa, proves: [`ent.${Z}`] },
  // RFC 4035 §3.1.3.3 / RFC 5155 §7.2.6: a wildcard answer proves the name itself is not there.
  { q: `x.wild.${Z}`, type: 'A', rcode: RCODE.NOERROR, answer: signed(`x.wild.${Z}`, 'A'), authority: [], proves: [`x.wild.${Z}`] },
  // RFC 4035 §3.1.3.4 / RFC 5155 §7.2.5: wildcard NODATA.
  { q: `x.wild.${Z}`, type: 'MX', rcode: RCODE.NOERROR, answer: [], authority: soa, proves: [`x.wild.${Z}`, `*.wild.${Z}`] },
  { q: `chain.${Z}`, type: 'A', rcode: RCODE.NOERROR, answer: [...signed(`chain.${Z}`, 'CNAME'), ...signed(`alias.${Z}`, 'CNAME'), ...signed(`www.${Z}`, 'A')], authority: [] },
  { q: `cwild.${Z}`, type: 'A', rcode: RCODE.NOERROR, answer: [...signed(`cwild.${Z}`, 'CNAME'), ...signed(`x.wild.${Z}`, 'A')], authority: [], proves: [`x.wild.${Z}`] },
  { q: `cnx.${Z}`, type: 'A', rcode: RCODE.NXDOMAIN, answer: signed(`cnx.${Z}`, 'CNAME'), authority: soa, proves: [`nothing.${Z}`, `*.${Z}`] },
  // RFC 4035 §3.1.4: a secure delegation brings DS and its RRSIG, never a signed NS or glue.
  { q: `host.secure.${Z}`, type: 'A', rcode: RCODE.NOERROR, aa: false, answer: [], authority: [`secure.${Z} NS`, ...signed(`secure.${Z}`, 'DS')], additional: [`ns.secure.${Z} A`] },
  { q: `ns.secure.${Z}`, type: 'A', rcode: RCODE.NOERROR, aa: false, answer: [], authority: [`secure.${Z} NS`, ...signed(`secure.${Z}`, 'DS')], additional: [`ns.secure.${Z} A`] },
  // An insecure one the proof that it has no DS.
  { q: `insecure.${Z}`, type: 'A', rcode: RCODE.NOERROR, aa: false, answer: [], authority: [`insecure.${Z} NS`], proves: [`insecure.${Z}`], additional: [`ns.insecure.${Z} A`] },
  // RFC 4035 §3.1.4.1: DS at the cut is the parent's data.
  { q: `secure.${Z}`, type: 'DS', rcode: RCODE.NOERROR, answer: signed(`secure.${Z}`, 'DS'), authority: [] },
  { q: `insecure.${Z}`, type: 'DS', rcode: RCODE.NOERROR, answer: [], authority: soa, proves: [`insecure.${Z}`] },
  // RFC 8482: ANY gets one RRset, signed.
  { q: `www.${Z}`, type: 'ANY', rcode: RCODE.NOERROR, answer: signed(`www.${Z}`, 'A'), authority: [] },
  // A question for RRSIG is answered with the RRSIGs at the name, and nothing signs them.
  { q: `www.${Z}`, type: 'RRSIG', rcode: RCODE.NOERROR, answer: [`www.${Z} RRSIG A`, `www.${Z} RRSIG AAAA`, `www.${Z} RRSIG TXT`, `www.${Z} RRSIG NSEC*`], authority: [] },
  // Additional addresses bring their RRSIGs.
  { q: Z, type: 'MX', rcode: RCODE.NOERROR, answer: signed(Z, 'MX'), authority: [], additional: [...signed(`mail.${Z}`, 'A'), ...signed(`mail.${Z}`, 'AAAA')] },
];

function ask(ctx: HandlerContext, name: string, type: string, dnssecOk: boolean): Message {
  return decodeMessage(handleMessage(ctx, encodeMessage(queryMessage(name, type, { edns: 1232, dnssecOk })).buf, 'udp', peer)!);
}

describe.skipIf(!programs).each(['nsec', 'nsec3'] as const)('a zone signed with %s, asked with DO', (denial) => {
  let zone: SignedZone;
  let ctx: HandlerContext;
  const setup = () => {
    zone ??= signWithBind(Z, dnssecZoneFile(), { keygen: programs!['dnssec-keygen'], signzone: programs!['dnssec-signzone'], denial });
    ctx ??= { store: signedStore(zone), log, ednsUdpLimit: 1232, cache: new ResponseCache(new ZoneStore()) };
    return { zone, ctx };
  };
  const chainType = denial === 'nsec' ? 'NSEC' : 'NSEC3';
  // The RRSIG of the NSEC at the name: only NSEC zones have one at every name.
  const fix = (l: string) => l.replace('NSEC*', 'NSEC');

  it.each(rows)('$q $type', (row) => {
    const { zone, ctx } = setup();
    if (denial === 'nsec3' && row.answer.some((l) => l.endsWith('NSEC*'))) row = { ...row, answer: row.answer.filter((l) => !l.endsWith('NSEC*')) };
    const r = ask(ctx, row.q, row.type, true);
    expect(r.rcode).toBe(row.rcode);
    expect(r.aa).toBe(row.aa ?? true);
    expect(r.tc).toBe(false);
    expect(r.edns?.dnssecOk).toBe(true);
    expect(lines(r.answers)).toEqual(row.answer.map(fix).sort());
    // NSEC3: the closest encloser's NSEC3 too, for a name error or a wildcard NODATA (RFC 5155 §7.2.1).
    const proven = new Set((row.proves ?? []).map((n) => proofOwner(zone.records, denial, n)));
    if (denial === 'nsec3' && row.proves && (row.rcode === RCODE.NXDOMAIN || row.type === 'MX' && row.q.includes('wild'))) {
      const ce = row.q === `x.wild.${Z}` ? `wild.${Z}` : Z;
      proven.add(proofOwner(zone.records, denial, ce));
    }
    const proofLines = [...proven].flatMap((o) => signed(o, chainType));
    expect(lines(r.authorities)).toEqual([...row.authority, ...proofLines].sort());
    if (row.additional) expect(lines(r.additionals)).toEqual([...row.additional].sort());
  });

  it('answers as before without DO: no signatures, no proofs, DO clear in the OPT', () => {
    const { ctx } = setup();
    const r = ask(ctx, `nope.${Z}`, 'A', false);
    expect([r.rcode, lines(r.authorities), r.edns?.dnssecOk]).toEqual([RCODE.NXDOMAIN, [`${Z} SOA`], false]);
    expect(lines(ask(ctx, `www.${Z}`, 'A', false).answers)).toEqual([`www.${Z} A`]);
    expect(lines(ask(ctx, `x.wild.${Z}`, 'A', false).authorities)).toEqual([]);
  });

  it('gives the SOA and its RRSIG the negative TTL (RFC 2308 §3)', () => {
    const { ctx } = setup();
    const r = ask(ctx, `nope.${Z}`, 'A', true);
    const soaAndSig = r.authorities.filter((x) => x.type === 'SOA' || (x.type === 'RRSIG' && (x.data as { typeCovered: string }).typeCovered === 'SOA'));
    expect(soaAndSig.map((x) => x.ttl)).toEqual([300, 300]);
  });

  it('treats a name holding only NSEC3 records as no name of the zone (RFC 5155 §7.2.8)', () => {
    const { zone, ctx } = setup();
    const hashed = zone.records.find((x) => x.type === 'NSEC3')?.name;
    if (!hashed) return;
    for (const dnssecOk of [false, true]) {
      for (const type of ['A', 'NSEC3', 'RRSIG']) expect(ask(ctx, hashed, type, dnssecOk).rcode, `${type} DO=${dnssecOk}`).toBe(RCODE.NXDOMAIN);
    }
  });

  it('never signs glue, even where the zone holds an RRSIG for it (RFC 4035 §2.2)', () => {
    const { zone } = setup();
    const stray = zone.records.find((x) => x.name === `www.${Z}` && x.type === 'RRSIG' && x.content.startsWith('A '))!;
    const store = signedStore({ ...zone, records: [...zone.records, { ...stray, name: `ns.secure.${Z}` }] });
    const r = ask({ store, log, ednsUdpLimit: 1232 }, `host.secure.${Z}`, 'A', true);
    expect(lines(r.additionals)).toEqual([`ns.secure.${Z} A`]);
  });

  it('truncates over UDP rather than drop a proof or a signature (RFC 4035 §3.1.1)', () => {
    const { ctx } = setup();
    const small = decodeMessage(handleMessage(ctx, encodeMessage(queryMessage(`x.wild.${Z}`, 'MX', { edns: 512, dnssecOk: true })).buf, 'udp', peer)!);
    const full = ask(ctx, `x.wild.${Z}`, 'MX', true);
    expect(full.tc).toBe(false);
    // Three NSEC3 records and four RRSIGs do not fit in 512 bytes; two NSEC records may.
    if (denial === 'nsec3') expect(small.tc).toBe(true);
    if (!small.tc) expect(lines(small.authorities)).toEqual(lines(full.authorities));
    else expect(small.authorities.length).toBeLessThan(full.authorities.length);
  });
});

// The records the rows above rely on.
describe.skipIf(!programs)('the signed test zone', () => {
  it('has DS at one cut only, NSEC3 without salt or extra iterations', () => {
    const zone = signWithBind(Z, dnssecZoneFile(), { keygen: programs!['dnssec-keygen'], signzone: programs!['dnssec-signzone'], denial: 'nsec3' });
    expect(zone.records.filter((r: RR) => r.type === 'DS').map((r) => r.name)).toEqual([`secure.${Z}`]);
    expect(zone.records.find((r) => r.type === 'NSEC3PARAM')?.content).toBe('1 0 0 -');
  });
});

// A change patched onto a snapshot leaves the replaced node entries behind (zone-patch.ts): the
// chain must be worked out again for the new snapshot, from its live entries only.
describe.skipIf(!programs)('a patched signed zone', () => {
  it('proves from the new snapshot, not from a name the change removed', () => {
    const zone = signWithBind(Z, dnssecZoneFile(), { keygen: programs!['dnssec-keygen'], signzone: programs!['dnssec-signzone'], denial: 'nsec' });
    const store = signedStore(zone);
    const ctx: HandlerContext = { store, log, ednsUdpLimit: 1232 };
    expect(ask(ctx, `www.${Z}`, 'A', true).rcode).toBe(RCODE.NOERROR);
    const [soa] = zone.records;
    const removed = zone.records.filter((r) => r.name === `www.${Z}`);
    const patched = patchSnapshot(store.get(Z)!, { id: 1, name: Z, serial: 2, version: 2, soa: soa!, negativeTtl: 300 }, [{ removed, added: [] }]);
    expect(patched).not.toBeNull();
    expect(Array.from({ length: patched!.nodeCount }, (_, n) => patched!.isGone(n)).some(Boolean)).toBe(true);
    store.set(patched!);
    const left = zone.records.filter((r) => r.name !== `www.${Z}`);
    const r = ask(ctx, `www.${Z}`, 'A', true);
    expect(r.rcode).toBe(RCODE.NXDOMAIN);
    const owners = [...new Set([`www.${Z}`, `*.${Z}`].map((n) => proofOwner(left, 'nsec', n)))];
    expect(owners).not.toContain(`www.${Z}`);
    expect(lines(r.authorities)).toEqual([...signed(Z, 'SOA'), ...owners.flatMap((o) => signed(o, 'NSEC'))].sort());
  });
});
