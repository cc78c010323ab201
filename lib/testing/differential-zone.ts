// The zone and the questions of the NSD differential test (nsd-differential.test.ts):
// one zone file that both the worker (through importZone) and NSD load, built to
// exercise every answer shape issue 3 names, and the names × types to ask about.
// Deterministic: the same text and the same questions on every run.

export const DIFF_ZONE = 'diff.test.';

const Z = DIFF_ZONE;
const OUT = 'outside.example.';

// A 250-byte string, different per index, for TXT records that fill packets.
function filler(tag: string, i: number, length = 250): string {
  const seed = `${tag}-${i}-`;
  return (seed + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(10)).slice(0, length);
}

/** The zone file, absolute names throughout, explicit TTL and class on every line. */
export function differentialZoneFile(): string {
  const lines: string[] = [];
  const rr = (owner: string, ttl: number, type: string, rdata: string) => {
    const name = owner === '@' ? Z : `${owner}.${Z}`;
    lines.push(`${name} ${ttl} IN ${type} ${rdata}`);
  };
  const abs = (n: string) => `${n}.${Z}`;

  lines.push(`$TTL 3600`);
  // SOA TTL 3600 with minimum 300: negative answers must carry TTL 300 (RFC 2308 §5).
  rr('@', 3600, 'SOA', `${abs('ns1')} hostmaster.${Z} 2024010101 7200 3600 1209600 300`);
  rr('@', 86400, 'NS', abs('ns1'));
  rr('@', 86400, 'NS', abs('ns2'));
  rr('@', 86400, 'NS', `ns.${OUT}`);
  rr('@', 3600, 'MX', `10 ${abs('mail')}`);
  rr('@', 3600, 'MX', `20 mx.${OUT}`);
  rr('@', 3600, 'MX', `30 ${abs('mail2')}`);
  rr('@', 600, 'TXT', '"v=spf1 mx -all"');
  rr('@', 600, 'TXT', '"two" "strings"');
  rr('ns1', 3600, 'A', '192.0.2.1');
  rr('ns1', 3600, 'AAAA', '2001:db8::1');
  rr('ns2', 1800, 'A', '192.0.2.2');
  rr('mail', 3600, 'A', '192.0.2.25');
  rr('mail', 3600, 'AAAA', '2001:db8::25');
  rr('mail2', 3600, 'AAAA', '2001:db8::26');
  rr('www', 300, 'A', '192.0.2.80');
  rr('www', 300, 'AAAA', '2001:db8::80');
  rr('www', 300, 'TXT', '"web server"');
  rr('host', 120, 'A', '192.0.2.81');

  // SRV with an in-zone target, an out-of-zone one, and one below a delegation.
  rr('_sip._tcp', 900, 'SRV', `10 5 5060 ${abs('sip')}`);
  rr('_sip._tcp', 900, 'SRV', `20 5 5060 sip.${OUT}`);
  rr('_xmpp._tcp', 900, 'SRV', `10 0 5222 ${abs('ns1.child')}`);
  rr('sip', 900, 'A', '192.0.2.60');
  // MX pointing below a cut (its address is glue, not authoritative data) and at a wildcard.
  rr('mxchild', 3600, 'MX', `10 ${abs('ns1.child')}`);
  rr('mxwild', 3600, 'MX', `10 ${abs('foo.wild')}`);

  // CNAMEs: in-zone, chains, out of zone, dangling, loops, into a delegation, to an ENT,
  // to a wildcard, and one longer than any sane loop limit.
  rr('alias', 300, 'CNAME', abs('www'));
  rr('chain1', 300, 'CNAME', abs('chain2'));
  rr('chain2', 200, 'CNAME', abs('chain3'));
  rr('chain3', 100, 'CNAME', abs('www'));
  rr('outalias', 300, 'CNAME', `www.${OUT}`);
  rr('dangling', 300, 'CNAME', abs('missing'));
  rr('loop1', 300, 'CNAME', abs('loop2'));
  rr('loop2', 300, 'CNAME', abs('loop1'));
  rr('selfloop', 300, 'CNAME', abs('selfloop'));
  rr('todeleg', 300, 'CNAME', abs('host.child'));
  rr('toent', 300, 'CNAME', abs('ent'));
  rr('towild', 300, 'CNAME', abs('foo.wild'));
  rr('tomx', 300, 'CNAME', Z);
  for (let i = 1; i <= 12; i++) rr(`long${i}`, 300, 'CNAME', i === 12 ? abs('www') : abs(`long${i + 1}`));

  // Wildcards (RFC 4592): at two depths, blocked by an existing name and by an ENT,
  // a wildcard CNAME in and out of the zone, a wildcard MX whose target has addresses.
  rr('*.wild', 700, 'A', '192.0.2.100');
  rr('*.wild', 700, 'TXT', '"from the wildcard"');
  rr('*.wild', 700, 'MX', `10 ${abs('mail')}`);
  rr('exists.wild', 700, 'A', '192.0.2.101');
  rr('host.ent.wild', 700, 'A', '192.0.2.102');
  rr('*.sub.wild', 800, 'A', '192.0.2.103');
  rr('*.cwild', 500, 'CNAME', abs('www'));
  rr('*.cwildout', 500, 'CNAME', `www.${OUT}`);
  rr('*.cwildchain', 500, 'CNAME', abs('chain1'));
  rr('*.cwildnx', 500, 'CNAME', abs('nothing-here'));

  // Empty non-terminals: ent (one level), c.b.a.deepent (three levels).
  rr('host.ent', 300, 'A', '192.0.2.110');
  rr('x.c.b.a.deepent', 300, 'A', '192.0.2.111');

  // Delegations. child: in-zone glue (A and AAAA), a DS at the cut, occluded data below it.
  rr('child', 172800, 'NS', abs('ns1.child'));
  rr('child', 172800, 'NS', abs('ns2.child'));
  rr('child', 3600, 'DS', '12345 13 2 ' + 'A1B2C3D4'.repeat(8));
  rr('ns1.child', 172800, 'A', '192.0.2.201');
  rr('ns2.child', 172800, 'A', '192.0.2.202');
  rr('ns2.child', 172800, 'AAAA', '2001:db8::202');
  rr('host.child', 300, 'A', '192.0.2.203');
  // sibling: its NS lives in another child (sibling glue) and outside.
  rr('sibling', 172800, 'NS', abs('ns1.child'));
  rr('sibling', 172800, 'NS', `ns.${OUT}`);
  // outdeleg: only out-of-zone NS, no glue at all.
  rr('outdeleg', 172800, 'NS', `ns1.${OUT}`);
  rr('outdeleg', 172800, 'NS', `ns2.${OUT}`);
  // below: the NS name sits two levels below the cut.
  rr('below', 172800, 'NS', abs('ns.deep.below'));
  rr('ns.deep.below', 172800, 'A', '192.0.2.210');
  // mixed: an in-zone NS outside the delegation (apex host) plus its own glue.
  rr('mixed', 172800, 'NS', abs('ns1'));
  rr('mixed', 172800, 'NS', abs('ns.mixed'));
  rr('ns.mixed', 172800, 'A', '192.0.2.211');
  // a delegation below an ENT, and an ENT below a delegation.
  rr('deleg.ent2', 3600, 'NS', abs('ns.deleg.ent2'));
  rr('ns.deleg.ent2', 3600, 'A', '192.0.2.212');

  // Big RRsets: 40 A records (over 512, under 1232), six 250-byte TXT records (over 1232),
  // one long TXT of four strings (over 512, under 1232).
  for (let i = 1; i <= 40; i++) rr('big', 60, 'A', `198.51.100.${i}`);
  for (let i = 1; i <= 6; i++) rr('huge', 60, 'TXT', `"${filler('huge', i)}"`);
  rr('long', 60, 'TXT', [1, 2, 3, 4].map((i) => `"${filler('long', i, 200)}"`).join(' '));
  // An MX set whose answer fits in 512 bytes but whose additional addresses do not.
  for (let i = 1; i <= 10; i++) {
    rr('manymx', 3600, 'MX', `${i} ${abs(`mx${i}.manymx`)}`);
    rr(`mx${i}.manymx`, 3600, 'A', `192.0.2.${150 + i}`);
    rr(`mx${i}.manymx`, 3600, 'AAAA', `2001:db8::${150 + i}`);
  }
  // A referral whose NS set fits in 512 bytes (13 × 36 bytes after the 36-byte header and
  // question) but none of its glue does (NSD sets TC), and one where part of the in-domain
  // glue fits (RFC 9471 wants TC; see the test).
  for (let i = 1; i <= 13; i++) {
    const host = `ns-with-a-long-name${String(i).padStart(2, '0')}.bigdeleg`; // 21-byte first label
    rr('bigdeleg', 3600, 'NS', abs(host));
    rr(host, 3600, 'AAAA', `2001:db8:ffff::${i}`);
  }
  for (let i = 1; i <= 8; i++) {
    rr('partdeleg', 3600, 'NS', abs(`ns${i}.partdeleg`));
    rr(`ns${i}.partdeleg`, 3600, 'A', `192.0.2.${220 + i}`);
    rr(`ns${i}.partdeleg`, 3600, 'AAAA', `2001:db8:eeee::${i}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface DiffQuestion {
  name: string;
  type: string;
}

/** Names asked about (relative to the zone; '@' is the apex), besides the mixed-case ones. */
const NAMES = [
  '@', 'ns1', 'ns2', 'mail', 'mail2', 'www', 'host', 'nonexistent', 'deeper.nonexistent',
  '_sip._tcp', '_tcp', '_xmpp._tcp', 'sip', 'mxchild', 'mxwild',
  'alias', 'chain1', 'chain3', 'outalias', 'dangling', 'loop1', 'selfloop', 'todeleg', 'toent', 'towild', 'tomx',
  'long1', 'long5',
  'wild', '*.wild', 'foo.wild', 'a.b.wild', 'exists.wild', 'x.exists.wild', 'ent.wild', 'x.ent.wild', 'host.ent.wild',
  'sub.wild', 'x.sub.wild', 'y.x.sub.wild', 'a.cwild', 'a.cwildout', 'a.cwildchain', 'a.cwildnx', 'cwild',
  'ent', 'host.ent', 'x.ent', 'deepent', 'a.deepent', 'b.a.deepent', 'c.b.a.deepent', 'x.c.b.a.deepent', 'nope.c.b.a.deepent',
  'child', 'ns1.child', 'ns2.child', 'host.child', 'nothing.child', 'sibling', 'x.sibling', 'outdeleg', 'a.b.outdeleg',
  'below', 'deep.below', 'ns.deep.below', 'mixed', 'ns.mixed', 'ent2', 'deleg.ent2', 'x.deleg.ent2',
  'big', 'huge', 'long', 'manymx', 'mx1.manymx', 'bigdeleg', 'partdeleg', 'x.partdeleg',
];

const TYPES = ['A', 'AAAA', 'MX', 'TXT', 'NS', 'SOA', 'CNAME', 'SRV', 'DS'];

/**
 * Every name × every type, plus a few other types and mixed-case spellings. The differential
 * test leaves ANY out on purpose (see there).
 */
export function differentialQuestions(): DiffQuestion[] {
  const abs = (n: string) => (n === '@' ? Z : `${n}.${Z}`);
  const out: DiffQuestion[] = [];
  for (const n of NAMES) for (const type of TYPES) out.push({ name: abs(n), type });
  for (const n of ['@', 'www', 'host', 'wild', 'foo.wild', 'child']) {
    for (const type of ['PTR', 'HINFO', 'CAA', 'NAPTR', 'TLSA', 'SSHFP']) out.push({ name: abs(n), type });
  }
  // Client case is echoed and never changes the match (RFC 4343).
  const mixed = ['Diff.TEST.', 'WWW.diff.test.', 'wWw.DiFf.TeSt.', 'AliAS.diff.test.', 'FOO.Wild.diff.test.', 'Host.Child.Diff.Test.', 'NoSuch.Diff.Test.', 'Chain1.DIFF.test.', 'X.Sub.Wild.diff.test.', 'Ent.diff.test.'];
  for (const name of mixed) for (const type of ['A', 'MX', 'TXT', 'NS']) out.push({ name, type });
  return out;
}
