// Differential test with the DO bit: one zone signed by dnssec-signzone (NSEC,
// then NSEC3 without salt or extra iterations), loaded by NSD 4.6 from the
// signed file and by us from the same records, asked the same questions as
// `dig +dnssec` asks them (UDP with EDNS 1232, and TCP), every section
// compared as a set. The mirror of nsd-differential.test.ts for RFC 4035 §3.1
// and RFC 5155 §7.2, with two allowances for what NSD adds and we do not: NSD
// (minimal-responses: no) puts the apex NS set, its RRSIG and its addresses in
// every positive answer; those are left out of the comparison of positive
// answers, as the plain differential leaves them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTargets, sortedLines } from '../testing/answer-lines';
import { decodeMessage, encodeMessage, type Message, type WireRecord } from '../dns/wire';
import { queryMessage, sendRaw } from '../testing/dns-client';
import { dnssecZoneFile, SIGNED_ZONE } from '../testing/dnssec-zone';
import { startNsd, type RunningNsd } from '../testing/nsd';
import { serveStore, signedStore, signWithBind, type ServedZone, type SignedZone } from '../testing/signed-zone';
import { requirePrograms } from '../testing/system-program';

const programs = requirePrograms({ nsd: 'nsd', 'dnssec-keygen': 'bind9-utils', 'dnssec-signzone': 'bind9-utils' });
const Z = SIGNED_ZONE;

/** The questions: every shape the issue names, by name and type. */
const QUESTIONS: [string, string][] = [
  // positive
  [Z, 'SOA'], [Z, 'NS'], [Z, 'MX'], [Z, 'DNSKEY'], [Z, 'NSEC3PARAM'], [`www.${Z}`, 'A'], [`www.${Z}`, 'AAAA'], [`www.${Z}`, 'TXT'], [`mail.${Z}`, 'A'],
  // NXDOMAIN
  [`nope.${Z}`, 'A'], [`a.b.nope.${Z}`, 'AAAA'], [`nothing.${Z}`, 'MX'], [`zzz.${Z}`, 'A'], [`x.host.ent.${Z}`, 'A'],
  // NODATA, an empty non-terminal among them
  [`www.${Z}`, 'MX'], [`ns1.${Z}`, 'AAAA'], [`ent.${Z}`, 'A'], [`host.ent.${Z}`, 'TXT'], [Z, 'DS'], [`www.${Z}`, 'NSEC3'],
  // wildcard, wildcard NODATA
  [`x.wild.${Z}`, 'A'], [`a.b.wild.${Z}`, 'A'], [`x.wild.${Z}`, 'MX'], [`*.wild.${Z}`, 'A'], [`wild.${Z}`, 'A'],
  // CNAME chains, into a wildcard, to nothing
  [`alias.${Z}`, 'A'], [`chain.${Z}`, 'A'], [`chain.${Z}`, 'CNAME'], [`cwild.${Z}`, 'A'], [`cnx.${Z}`, 'A'], [`alias.${Z}`, 'MX'],
  // delegations with and without DS, DS at the cut, glue
  [`secure.${Z}`, 'A'], [`host.secure.${Z}`, 'A'], [`insecure.${Z}`, 'NS'], [`host.insecure.${Z}`, 'A'], [`secure.${Z}`, 'DS'], [`insecure.${Z}`, 'DS'],
  [`ns.secure.${Z}`, 'A'], [`ns.insecure.${Z}`, 'A'],
  // ANY where one RRset is the only choice for both servers, and RRSIG
  [`ns1.${Z}`, 'ANY'], [`host.ent.${Z}`, 'ANY'], [`www.${Z}`, 'RRSIG'],
];

interface Summary {
  rcode: number;
  aa: boolean;
  tc: boolean;
  opt: string;
  answer: string[];
  authority: string[];
  additional: string[];
}

/** What is compared: for positive answers, NSD's optional apex NS and its addresses are left out. */
function summarize(m: Message): Summary {
  const positive = m.aa && m.answers.length > 0 && !m.authorities.some((r) => r.type === 'SOA');
  const covered = (r: WireRecord) => (r.type === 'RRSIG' ? (r.data as { typeCovered: string }).typeCovered : r.type);
  const targets = answerTargets(m);
  const authority = positive ? m.authorities.filter((r) => !(r.name.toLowerCase() === Z && covered(r) === 'NS')) : m.authorities;
  const additional = positive ? m.additionals.filter((r) => targets.has(r.name.toLowerCase())) : m.additionals;
  return {
    rcode: m.rcode,
    aa: m.aa,
    tc: m.tc,
    opt: m.edns ? `OPT ${m.edns.udpSize} DO=${m.edns.dnssecOk}` : 'no OPT',
    answer: sortedLines(m.answers),
    authority: sortedLines(authority),
    additional: sortedLines(additional),
  };
}

function differences(ours: Summary, nsd: Summary): string[] {
  const out: string[] = [];
  for (const f of ['rcode', 'aa', 'tc', 'opt'] as const) if (ours[f] !== nsd[f]) out.push(`  ${f}: ours ${ours[f]}, NSD ${nsd[f]}`);
  if (ours.tc || nsd.tc) return out;
  for (const f of ['answer', 'authority', 'additional'] as const) {
    for (const x of ours[f].filter((l) => !nsd[f].includes(l))) out.push(`  ${f} + ours only: ${x}`);
    for (const x of nsd[f].filter((l) => !ours[f].includes(l))) out.push(`  ${f} - NSD only:  ${x}`);
  }
  return out;
}

async function askDo(port: number, name: string, type: string, transport: 'udp' | 'tcp'): Promise<Message> {
  const raw = encodeMessage(queryMessage(name, type, { edns: 1232, dnssecOk: true })).buf;
  const reply = (await sendRaw(port, raw, transport, 2000)) ?? (await sendRaw(port, raw, transport, 3000));
  if (!reply) throw new Error(`no answer on port ${port} for ${name} ${type} over ${transport}`);
  return decodeMessage(reply);
}

describe.skipIf(!programs).each(['nsec', 'nsec3', 'nsec3-optout'] as const)('DO answers identical to NSD 4.6, zone signed with %s', (denial) => {
  let signed: SignedZone;
  let nsd: RunningNsd;
  let ours: ServedZone;
  let port: number;

  beforeAll(async () => {
    signed = signWithBind(Z, dnssecZoneFile(), { keygen: programs!['dnssec-keygen'], signzone: programs!['dnssec-signzone'], denial });
    ours = await serveStore(signedStore(signed));
    port = ours.port;
    nsd = await startNsd({ zone: Z, zoneFile: signed.text, program: programs!.nsd });
  });

  afterAll(async () => {
    await Promise.all([nsd?.stop(), ours?.stop()]);
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`over ${transport}: every question gets the same sections`, async () => {
      const failures: string[] = [];
      for (const [name, type] of QUESTIONS) {
        const [ours, theirs] = await Promise.all([askDo(port, name, type, transport), askDo(nsd.port, name, type, transport)]);
        const diff = differences(summarize(ours), summarize(theirs));
        if (diff.length) failures.push(`${name} ${type}\n${diff.join('\n')}`);
      }
      expect(failures.length, `${failures.length} of ${QUESTIONS.length} answers differ from NSD's over ${transport}:\n\n${failures.join('\n\n')}`).toBe(0);
    });
  }

  it('compares answers that carry signatures and proofs (the zone is signed for both)', async () => {
    const nx = summarize(await askDo(port, `nope.${Z}`, 'A', 'udp'));
    expect(nx.authority.filter((l) => l.split(' ')[2] === (denial === 'nsec' ? 'NSEC' : 'NSEC3')).length).toBeGreaterThanOrEqual(denial === 'nsec' ? 1 : 2);
    expect(nx.opt).toBe('OPT 1232 DO=true');
  });

  it('answers a name that holds only NSEC3 records as NSD does', async () => {
    const hashed = signed.records.find((r) => r.type === 'NSEC3')?.name;
    if (!hashed) return;
    for (const type of ['A', 'NSEC3']) {
      const plain = async (p: number) => summarize(decodeMessage((await sendRaw(p, encodeMessage(queryMessage(hashed, type, { edns: 1232 })).buf, 'udp', 2000))!));
      expect(differences(await plain(port), await plain(nsd.port))).toEqual([]);
      expect(differences(summarize(await askDo(port, hashed, type, 'udp')), summarize(await askDo(nsd.port, hashed, type, 'udp')))).toEqual([]);
    }
  });
});
