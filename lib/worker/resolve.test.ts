// Authoritative answers (issue 3), packet level and without sockets: raw queries
// through handleMessage against snapshots built in memory, table-driven
// (name, type → rcode, flags, sections). The rcode table and the basic answer
// shapes are in handler.test.ts; the same behaviour against a real NSD is in
// nsd-differential.test.ts.
import { describe, expect, it } from 'vitest';
import type { RR } from '../dns/types';
import { decodeMessage, encodeMessage, RCODE, type Message, type WireRecord } from '../dns/wire';
import { queryMessage } from '../testing/dns-client';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { MAX_CNAME_CHAIN } from './resolve';
import { buildSnapshot, type ZoneSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const Z = 'res.test.';
const OTHER = 'ttl.test.';
const n = (name: string, zone = Z) => (name === '@' ? zone : `${name}.${zone}`);
const rr = (name: string, type: string, content: string, ttl = 300, zone = Z): RR => ({ name: n(name, zone), type, ttl, content });

function snapshot(zone: string, soa: { ttl: number; minimum: number }, records: RR[], id = 1): ZoneSnapshot {
  const soaRR: RR = { name: zone, type: 'SOA', ttl: soa.ttl, content: `ns1.${zone} hostmaster.${zone} 1 3600 600 86400 ${soa.minimum}` };
  // As the zone loader does: RFC 2308 §5, the negative TTL is min(SOA TTL, SOA minimum).
  return buildSnapshot({ id, name: zone, serial: 1, version: 1, soa: soaRR, negativeTtl: Math.min(soa.ttl, soa.minimum) }, records);
}

const hops = MAX_CNAME_CHAIN + 3;
const records: RR[] = [
  rr('@', 'NS', n('ns1')),
  rr('@', 'NS', 'ns.elsewhere.example.'),
  rr('@', 'MX', `10 ${n('mail')}`),
  rr('@', 'MX', '20 mx.elsewhere.example.'),
  rr('@', 'TXT', '"apex"'),
  rr('ns1', 'A', '192.0.2.1'),
  rr('ns1', 'AAAA', '2001:db8::1'),
  rr('mail', 'A', '192.0.2.25'),
  rr('mail', 'AAAA', '2001:db8::25'),
  rr('www', 'A', '192.0.2.80', 60),
  rr('www', 'AAAA', '2001:db8::80', 60),
  rr('_sip._tcp', 'SRV', `10 5 5060 ${n('sip')}`),
  rr('_sip._tcp', 'SRV', '20 5 5060 sip.elsewhere.example.'),
  rr('sip', 'A', '192.0.2.60'),
  rr('mxwild', 'MX', `10 ${n('any.wild')}`),
  rr('mxcut', 'MX', `10 ${n('ns1.child')}`),
  // CNAMEs
  rr('alias', 'CNAME', n('www'), 100),
  rr('c1', 'CNAME', n('c2')),
  rr('c2', 'CNAME', n('alias')),
  rr('r1', 'CNAME', n('r2')),
  rr('r2', 'CNAME', n('r3')),
  rr('r3', 'CNAME', n('r1')),
  rr('self', 'CNAME', n('self')),
  rr('dangling', 'CNAME', n('missing')),
  rr('toent', 'CNAME', n('ent')),
  rr('todeleg', 'CNAME', n('host.child')),
  rr('towild', 'CNAME', n('x.wild')),
  ...Array.from({ length: hops }, (_, i) => rr(`hop${i + 1}`, 'CNAME', i + 1 === hops ? n('www') : n(`hop${i + 2}`))),
  ...Array.from({ length: MAX_CNAME_CHAIN }, (_, i) => rr(`ok${i + 1}`, 'CNAME', i + 1 === MAX_CNAME_CHAIN ? n('www') : n(`ok${i + 2}`))),
  // Wildcards
  rr('*.wild', 'A', '192.0.2.100', 700),
  rr('*.wild', 'MX', `10 ${n('mail')}`, 700),
  rr('exists.wild', 'TXT', '"here"'),
  rr('host.ent.wild', 'A', '192.0.2.101'),
  rr('*.deeper.wild', 'A', '192.0.2.102'),
  rr('*.cw', 'CNAME', n('www'), 500),
  rr('*.cwout', 'CNAME', 'www.elsewhere.example.', 500),
  // Empty non-terminals
  rr('host.ent', 'A', '192.0.2.110'),
  // Delegations: in-domain glue, occluded data, DS at the cut, sibling glue, out-of-zone NS.
  rr('child', 'NS', n('ns1.child'), 3600),
  rr('child', 'NS', n('ns2.child'), 3600),
  rr('child', 'DS', `12345 13 2 ${'AB'.repeat(32)}`, 3600),
  rr('ns1.child', 'A', '192.0.2.201', 3600),
  rr('ns2.child', 'AAAA', '2001:db8::202', 3600),
  rr('host.child', 'A', '192.0.2.203'),
  rr('sib', 'NS', n('ns1.child'), 3600),
  rr('sib', 'NS', n('ns1'), 3600),
  rr('far', 'NS', 'ns1.elsewhere.example.', 3600),
  rr('far', 'NS', 'ns2.elsewhere.example.', 3600),
  // Sizes: 32 A records pass 512 bytes, 40 pass 600, 80 pass 1232.
  ...Array.from({ length: 32 }, (_, i) => rr('a32', 'A', `198.51.100.${i + 1}`)),
  ...Array.from({ length: 40 }, (_, i) => rr('a40', 'A', `198.51.100.${i + 1}`)),
  ...Array.from({ length: 80 }, (_, i) => rr('a80', 'A', `198.51.${100 + (i >> 6)}.${i + 1}`)),
  rr('toa40', 'CNAME', n('a40')),
  // Referrals over 512 bytes: in-domain glue (required) and sibling glue (optional).
  ...Array.from({ length: 8 }, (_, i) => [
    rr('gluey', 'NS', n(`ns${i + 1}.gluey`), 3600),
    rr(`ns${i + 1}.gluey`, 'A', `192.0.2.${220 + i}`, 3600),
    rr(`ns${i + 1}.gluey`, 'AAAA', `2001:db8:eeee::${i + 1}`, 3600),
  ]).flat(),
  ...Array.from({ length: 8 }, (_, i) => rr('sibbig', 'NS', n(`ns${i + 1}.gluey`), 3600)),
  // ANY
  rr('multi', 'TXT', '"t"'),
  rr('multi', 'MX', `10 ${n('mail')}`),
  rr('multi', 'SRV', `0 0 80 ${n('www')}`),
  rr('onlycname', 'CNAME', n('www')),
];

function makeStore(list: RR[] = records): ZoneStore {
  const store = new ZoneStore();
  store.set(snapshot(Z, { ttl: 3600, minimum: 120 }, list));
  // Here the SOA TTL is the smaller one.
  store.set(snapshot(OTHER, { ttl: 60, minimum: 900 }, [rr('@', 'NS', `ns1.${OTHER}`, 300, OTHER)], 2));
  return store;
}

const ctx: HandlerContext = { store: makeStore(), log, ednsUdpLimit: 1232 };
const peer = { address: '127.0.0.1', port: 5353 };

function ask(name: string, type: string, opts: { edns?: number; transport?: 'udp' | 'tcp'; context?: HandlerContext } = {}): Message & { size: number } {
  const raw = encodeMessage(queryMessage(name, type, { edns: opts.edns })).buf;
  const out = handleMessage(opts.context ?? ctx, raw, opts.transport ?? 'udp', peer)!;
  return { ...decodeMessage(out), size: out.length };
}

const show = (rs: WireRecord[]) => rs.map((r) => `${r.name.toLowerCase()} ${r.type}`);
const sortedShow = (rs: WireRecord[]) => show(rs).sort();

interface Row {
  what: string;
  q: string;
  type: string;
  rcode?: number;
  aa?: boolean;
  answer?: string[];
  authority?: string[];
  /** Compared as a sorted list. */
  additional?: string[];
}

function check(rows: Row[]) {
  it.each(rows)('$what: $q $type', (row) => {
    const r = ask(row.q, row.type);
    expect(r.rcode).toBe(row.rcode ?? RCODE.NOERROR);
    expect(r.aa).toBe(row.aa ?? true);
    expect(r.tc).toBe(false);
    if (row.answer) expect(show(r.answers)).toEqual(row.answer);
    if (row.authority) expect(show(r.authorities)).toEqual(row.authority);
    if (row.additional) expect(sortedShow(r.additionals)).toEqual([...row.additional].sort());
  });
}

const SOA = [`${Z} SOA`];

describe('AA and case', () => {
  it('sets AA on answers and negative answers, clears it on referrals', () => {
    expect(ask(n('www'), 'A').aa).toBe(true);
    expect(ask(n('nope'), 'A').aa).toBe(true);
    expect(ask(n('www'), 'MX').aa).toBe(true);
    expect(ask(n('host.child'), 'A').aa).toBe(false);
  });

  const spellings = ['WWW.RES.TEST.', 'www.Res.Test.', 'wWw.rEs.TeSt.'];
  it.each(spellings)('matches %s without case and echoes it', (q) => {
    const r = ask(q, 'A');
    expect(r.questions[0]!.name).toBe(q);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.80']);
  });

  it('echoes the case of a name that is synthesized, referred or missing', () => {
    for (const q of ['X.Wild.RES.test.', 'Host.CHILD.res.test.', 'NoPe.res.TEST.']) expect(ask(q, 'A').questions[0]!.name).toBe(q);
    expect(ask('X.Wild.RES.test.', 'A').answers[0]!.name.toLowerCase()).toBe(n('x.wild'));
  });
});

describe('CNAME', () => {
  check([
    { what: 'a chain followed to the end', q: n('c1'), type: 'A', answer: [`${n('c1')} CNAME`, `${n('c2')} CNAME`, `${n('alias')} CNAME`, `${n('www')} A`] },
    { what: 'a three-name loop stops when it comes round', q: n('r1'), type: 'A', answer: [`${n('r1')} CNAME`, `${n('r2')} CNAME`, `${n('r3')} CNAME`], authority: [] },
    { what: 'a CNAME to itself is answered once', q: n('self'), type: 'AAAA', answer: [`${n('self')} CNAME`], authority: [] },
    { what: 'a dangling target gives NXDOMAIN (RFC 6604) with the chain and the SOA', q: n('dangling'), type: 'A', rcode: RCODE.NXDOMAIN, answer: [`${n('dangling')} CNAME`], authority: SOA },
    { what: 'a target without the type gives NODATA after the chain', q: n('alias'), type: 'MX', answer: [`${n('alias')} CNAME`], authority: SOA },
    { what: 'a target that is an empty non-terminal gives NODATA', q: n('toent'), type: 'A', answer: [`${n('toent')} CNAME`], authority: SOA },
    { what: 'a CNAME question is not followed', q: n('c1'), type: 'CNAME', answer: [`${n('c1')} CNAME`] },
    // Regression: a CNAME into a delegation came back without the referral (NSD adds it).
    { what: 'a target into a delegation: AA stays, the referral rides along', q: n('todeleg'), type: 'A', answer: [`${n('todeleg')} CNAME`], authority: [`${n('child')} NS`, `${n('child')} NS`], additional: [`${n('ns1.child')} A`, `${n('ns2.child')} AAAA`] },
    { what: 'a target synthesized from a wildcard', q: n('towild'), type: 'A', answer: [`${n('towild')} CNAME`, `${n('x.wild')} A`] },
    { what: 'a wildcard CNAME out of the zone is not followed', q: n('a.cwout'), type: 'A', answer: [`${n('a.cwout')} CNAME`], authority: [] },
  ]);

  // Regression: chains stopped after 8 CNAMEs, where NSD answered a 12-link chain in full.
  it(`follows at most ${MAX_CNAME_CHAIN} CNAMEs (NSD has no limit but loops; resolvers stop sooner)`, () => {
    const full = ask(n('ok1'), 'A');
    expect(full.answers.filter((a) => a.type === 'CNAME')).toHaveLength(MAX_CNAME_CHAIN);
    expect(full.answers.at(-1)!.type).toBe('A');
    const cut = ask(n('hop1'), 'A');
    expect(cut.rcode).toBe(RCODE.NOERROR);
    expect(cut.answers.every((a) => a.type === 'CNAME')).toBe(true);
    expect(cut.answers).toHaveLength(MAX_CNAME_CHAIN + 1);
  });

  it('keeps the chain TTLs of each link', () => {
    const r = ask(n('alias'), 'A');
    expect(r.answers.map((a) => a.ttl)).toEqual([100, 60]);
  });
});

describe('wildcards (RFC 4592)', () => {
  check([
    { what: 'the owner is the query name', q: n('x.wild'), type: 'A', answer: [`${n('x.wild')} A`] },
    { what: 'several labels below the closest encloser', q: n('a.b.c.wild'), type: 'A', answer: [`${n('a.b.c.wild')} A`] },
    { what: 'a deeper wildcard wins below its own encloser', q: n('x.deeper.wild'), type: 'A', answer: [`${n('x.deeper.wild')} A`] },
    { what: 'the deeper wildcard’s parent is an empty non-terminal: NODATA', q: n('deeper.wild'), type: 'A', authority: SOA },
    { what: 'NODATA for a type the wildcard lacks', q: n('x.wild'), type: 'TXT', answer: [], authority: SOA },
    { what: 'an existing name blocks it (NODATA)', q: n('exists.wild'), type: 'A', answer: [], authority: SOA },
    { what: 'below an existing name there is no wildcard (NXDOMAIN)', q: n('x.exists.wild'), type: 'A', rcode: RCODE.NXDOMAIN, authority: SOA },
    { what: 'an empty non-terminal blocks it (NODATA)', q: n('ent.wild'), type: 'A', answer: [], authority: SOA },
    { what: 'below an empty non-terminal there is no wildcard (NXDOMAIN)', q: n('x.ent.wild'), type: 'A', rcode: RCODE.NXDOMAIN, authority: SOA },
    { what: 'the wildcard name itself answers as an ordinary name', q: n('*.wild'), type: 'A', answer: [`${n('*.wild')} A`] },
    { what: 'a wildcard CNAME is followed', q: n('a.cw'), type: 'AAAA', answer: [`${n('a.cw')} CNAME`, `${n('www')} AAAA`] },
    { what: 'a synthesized MX brings its target’s addresses', q: n('x.wild'), type: 'MX', answer: [`${n('x.wild')} MX`], additional: [`${n('mail')} A`, `${n('mail')} AAAA`] },
  ]);

  it('keeps the wildcard’s TTL and data', () => {
    const r = ask(n('q.wild'), 'A');
    expect(r.answers).toEqual([{ name: n('q.wild'), type: 'A', class: 'IN', ttl: 700, data: '192.0.2.100' }]);
  });
});

describe('zone cuts', () => {
  const childNs = [`${n('child')} NS`, `${n('child')} NS`];
  const childGlue = [`${n('ns1.child')} A`, `${n('ns2.child')} AAAA`];
  check([
    { what: 'at the cut', q: n('child'), type: 'A', aa: false, answer: [], authority: childNs, additional: childGlue },
    { what: 'NS at the cut is a referral too', q: n('child'), type: 'NS', aa: false, answer: [], authority: childNs, additional: childGlue },
    { what: 'data below the cut is never answered', q: n('host.child'), type: 'A', aa: false, answer: [], authority: childNs, additional: childGlue },
    { what: 'glue is not answered as data', q: n('ns1.child'), type: 'A', aa: false, answer: [], authority: childNs },
    { what: 'a missing name below the cut', q: n('a.b.nothing.child'), type: 'TXT', aa: false, authority: childNs },
    { what: 'DS at the cut comes from the parent side (RFC 4035 §3.1.4.1)', q: n('child'), type: 'DS', answer: [`${n('child')} DS`], authority: [] },
    { what: 'DS below the cut is referred', q: n('host.child'), type: 'DS', aa: false, authority: childNs },
    { what: 'DS at a cut without one: NODATA', q: n('sib'), type: 'DS', answer: [], authority: SOA },
    { what: 'sibling glue and in-zone NS addresses in additional', q: n('sib'), type: 'A', aa: false, authority: [`${n('sib')} NS`, `${n('sib')} NS`], additional: [`${n('ns1.child')} A`, `${n('ns1')} A`, `${n('ns1')} AAAA`] },
    { what: 'out-of-zone NS: no glue', q: n('www.far'), type: 'A', aa: false, authority: [`${n('far')} NS`, `${n('far')} NS`], additional: [] },
  ]);
});

describe('negative answers (RFC 2308)', () => {
  it.each([
    { q: n('nope'), rcode: RCODE.NXDOMAIN, ttl: 120, why: 'NXDOMAIN, minimum below the SOA TTL' },
    { q: n('ent'), rcode: RCODE.NOERROR, ttl: 120, why: 'NODATA at an empty non-terminal' },
    { q: `nope.${OTHER}`, rcode: RCODE.NXDOMAIN, ttl: 60, why: 'NXDOMAIN, SOA TTL below the minimum' },
    { q: OTHER, rcode: RCODE.NOERROR, ttl: 60, why: 'NODATA at the apex' },
  ])('$why: SOA with TTL $ttl', ({ q, rcode, ttl }) => {
    const r = ask(q, 'A');
    expect(r.rcode).toBe(rcode);
    expect(r.answers).toEqual([]);
    expect(r.authorities).toHaveLength(1);
    expect(r.authorities[0]!.type).toBe('SOA');
    expect(r.authorities[0]!.ttl).toBe(ttl);
  });
});

describe('additional section', () => {
  check([
    { what: 'MX: in-zone targets, A and AAAA', q: Z, type: 'MX', additional: [`${n('mail')} A`, `${n('mail')} AAAA`] },
    { what: 'SRV: in-zone targets only', q: n('_sip._tcp'), type: 'SRV', additional: [`${n('sip')} A`] },
    { what: 'NS at the apex: in-zone targets', q: Z, type: 'NS', additional: [`${n('ns1')} A`, `${n('ns1')} AAAA`] },
    // Regression: a target that exists only through a wildcard got no addresses (NSD gives them).
    { what: 'MX target synthesized from a wildcard', q: n('mxwild'), type: 'MX', additional: [`${n('any.wild')} A`] },
    { what: 'MX target below a cut: glue is not for MX', q: n('mxcut'), type: 'MX', additional: [] },
    { what: 'nothing for other types', q: n('www'), type: 'A', additional: [] },
  ]);

  // Regression: A and AAAA alternated per target, so UDP trimming kept different addresses than NSD.
  it('lists every A before any AAAA, so IPv4 survives trimming first (as NSD)', () => {
    expect(show(ask(Z, 'NS').additionals)).toEqual([`${n('ns1')} A`, `${n('ns1')} AAAA`]);
    const r = ask(n('gluey'), 'A', { transport: 'tcp' });
    const types = r.additionals.map((a) => a.type);
    expect(types).toEqual([...Array(8).fill('A'), ...Array(8).fill('AAAA')]);
  });
});

describe('EDNS and truncation (RFC 6891, RFC 2181 §9)', () => {
  it.each([
    { what: 'no EDNS: 512', edns: undefined, fits: 'www', tc: 'a32' },
    { what: 'EDNS 600: 600', edns: 600, fits: 'a32', tc: 'a40' },
    { what: 'EDNS 4096: our 1232', edns: 4096, fits: 'a40', tc: 'a80' },
    { what: 'EDNS 100: at least 512', edns: 100, fits: 'www', tc: 'a32' },
  ])('payload limit with $what', ({ edns, fits, tc }) => {
    const ok = ask(n(fits), 'A', { edns });
    expect(ok.tc).toBe(false);
    expect(ok.answers.length).toBeGreaterThan(0);
    const cut = ask(n(tc), 'A', { edns });
    expect(cut.tc).toBe(true);
    expect(cut.answers).toEqual([]); // the one RRset went whole
    expect(cut.size).toBeLessThanOrEqual(edns === undefined ? 512 : Math.max(512, Math.min(edns, 1232)));
    expect(cut.edns === undefined).toBe(edns === undefined);
  });

  it('answers OPT with our own payload size, never the client’s', () => {
    expect(ask(n('www'), 'A', { edns: 600 }).edns?.udpSize).toBe(1232);
    expect(ask(n('www'), 'A', { edns: 600 }).edns?.version).toBe(0);
  });

  it('drops whole RRsets: the CNAME stays, the set that does not fit goes', () => {
    const r = ask(n('toa40'), 'A');
    expect(r.tc).toBe(true);
    expect(show(r.answers)).toEqual([`${n('toa40')} CNAME`]);
  });

  it('never truncates over TCP', () => {
    const r = ask(n('a80'), 'A', { transport: 'tcp' });
    expect(r.tc).toBe(false);
    expect(r.answers).toHaveLength(80);
  });
});

describe('required glue (RFC 9471)', () => {
  // Regression: a referral short of its in-domain glue went out without TC.
  it('sets TC when in-domain glue does not all fit, keeping the NS set', () => {
    const r = ask(n('gluey'), 'A');
    expect(r.tc).toBe(true);
    expect(r.aa).toBe(false);
    expect(r.authorities).toHaveLength(8);
    expect(r.additionals.length).toBeLessThan(16);
    expect(r.size).toBeLessThanOrEqual(512);
  });

  it('sends all of it when it fits', () => {
    const r = ask(n('gluey'), 'A', { edns: 1232 });
    expect(r.tc).toBe(false);
    expect(r.additionals).toHaveLength(16);
  });

  it('drops sibling glue that does not fit without TC (it is optional)', () => {
    const r = ask(n('sibbig'), 'A');
    expect(r.tc).toBe(false);
    expect(r.authorities).toHaveLength(8);
    expect(r.additionals.length).toBeGreaterThan(0);
    expect(r.additionals.length).toBeLessThan(16);
  });
});

describe('ANY (RFC 8482)', () => {
  check([
    { what: 'the apex: SOA only', q: Z, type: 'ANY', answer: [`${Z} SOA`] },
    { what: 'a host: one RRset', q: n('www'), type: 'ANY', answer: [`${n('www')} A`] },
    { what: 'synthesized from a wildcard', q: n('z.wild'), type: 'ANY', answer: [`${n('z.wild')} A`] },
    { what: 'a CNAME is answered, not followed', q: n('onlycname'), type: 'ANY', answer: [`${n('onlycname')} CNAME`] },
    { what: 'an empty non-terminal: NODATA', q: n('ent'), type: 'ANY', answer: [], authority: SOA },
    { what: 'a missing name: NXDOMAIN', q: n('nope'), type: 'ANY', rcode: RCODE.NXDOMAIN, authority: SOA },
    { what: 'below a cut: referral', q: n('host.child'), type: 'ANY', aa: false, authority: [`${n('child')} NS`, `${n('child')} NS`] },
  ]);

  // Regression: without SOA, A or AAAA at the name, ANY took whichever RRset was loaded first.
  it('picks the same RRset whatever order the records were loaded in', () => {
    const reversed = makeStore([...records].reverse());
    const other: HandlerContext = { ...ctx, store: reversed };
    for (const q of [n('multi'), n('www'), Z, n('x.wild')]) {
      const a = ask(q, 'ANY');
      const b = ask(q, 'ANY', { context: other });
      expect(a.answers).toHaveLength(a.answers.filter((x) => x.type === a.answers[0]!.type).length);
      expect(b.answers).toEqual(a.answers);
    }
    expect(show(ask(n('multi'), 'ANY').answers)).toEqual([`${n('multi')} MX`]);
  });
});
