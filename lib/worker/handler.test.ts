// The handler fed raw packets, no sockets: the rcode table in handler.ts and
// the answer shapes, table-driven (STYLE.md rule 11, second layer).
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, OPCODE, RCODE, type Message } from '../dns/wire';
import { queryMessage } from '../testing/dns-client';
import type { RR } from '../dns/types';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const Z = 'pkt.test.';
const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name: name === '@' ? Z : `${name}.${Z}`, type, ttl, content });

function makeStore(): ZoneStore {
  const store = new ZoneStore();
  const soa: RR = { name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} 7 3600 600 86400 120` };
  store.set(
    buildSnapshot({ id: 1, name: Z, serial: 7, version: 1, soa, negativeTtl: 120 }, [
      rr('@', 'NS', `ns1.${Z}`),
      rr('ns1', 'A', '192.0.2.53'),
      rr('www', 'A', '192.0.2.1'),
      rr('alias', 'CNAME', `www.${Z}`),
      rr('outside', 'CNAME', 'www.example.org.'),
      rr('loop1', 'CNAME', `loop2.${Z}`),
      rr('loop2', 'CNAME', `loop1.${Z}`),
      rr('*.wild', 'A', '192.0.2.99'),
      rr('host.ent', 'A', '192.0.2.5'),
      rr('sub', 'NS', `ns.sub.${Z}`),
      rr('ns.sub', 'A', '192.0.2.54'),
    ]),
  );
  return store;
}

const ctx: HandlerContext = { store: makeStore(), log, ednsUdpLimit: 1232 };
const peer = { address: '127.0.0.1', port: 5353 };

function ask(q: Message | Buffer, transport: 'udp' | 'tcp' = 'udp'): Message | null {
  const raw = Buffer.isBuffer(q) ? q : encodeMessage(q).buf;
  const out = handleMessage(ctx, raw, transport, peer);
  return out ? decodeMessage(out) : null;
}

const names = (rs: { name: string }[]) => rs.map((r) => r.name.toLowerCase());

describe('rcode table', () => {
  const cases: { what: string; packet: () => Buffer | Message; rcode: number | null }[] = [
    { what: 'runt packet: no reply', packet: () => Buffer.from('00010000', 'hex'), rcode: null },
    { what: 'QR set: no reply', packet: () => ({ ...queryMessage(`www.${Z}`, 'A'), qr: true }), rcode: null },
    { what: 'trailing bytes: FORMERR', packet: () => Buffer.concat([encodeMessage(queryMessage(`www.${Z}`, 'A')).buf, Buffer.from([0])]), rcode: RCODE.FORMERR },
    { what: 'truncated question: FORMERR', packet: () => encodeMessage(queryMessage(`www.${Z}`, 'A')).buf.subarray(0, 20), rcode: RCODE.FORMERR },
    { what: 'no question: FORMERR', packet: () => ({ ...queryMessage(`www.${Z}`, 'A'), questions: [] }), rcode: RCODE.FORMERR },
    {
      what: 'two questions: FORMERR',
      packet: () => {
        const m = queryMessage(`www.${Z}`, 'A');
        return { ...m, questions: [...m.questions, { name: Z, type: 'SOA', class: 'IN' }] };
      },
      rcode: RCODE.FORMERR,
    },
    { what: 'EDNS version 1: BADVERS', packet: () => ({ ...queryMessage(`www.${Z}`, 'A', { edns: 1232 }), edns: { udpSize: 1232, version: 1, dnssecOk: false, options: [] } }), rcode: RCODE.BADVERS },
    { what: 'UPDATE opcode: NOTIMP', packet: () => ({ ...queryMessage(Z, 'SOA'), opcode: OPCODE.UPDATE }), rcode: RCODE.NOTIMP },
    { what: 'opcode 3: NOTIMP', packet: () => ({ ...queryMessage(Z, 'SOA'), opcode: 3 }), rcode: RCODE.NOTIMP },
    // NOTIFY goes to notify-in.ts (its own table is tested in notify-in.test.ts); this context has no secondary engine.
    { what: 'NOTIFY for a zone we are not secondary for: REFUSED', packet: () => ({ ...queryMessage(Z, 'SOA'), opcode: OPCODE.NOTIFY }), rcode: RCODE.REFUSED },
    { what: 'NOTIFY without an SOA question: FORMERR', packet: () => ({ ...queryMessage(Z, 'A'), opcode: OPCODE.NOTIFY }), rcode: RCODE.FORMERR },
    { what: 'class CH: REFUSED', packet: () => ({ ...queryMessage(Z, 'SOA'), questions: [{ name: Z, type: 'SOA', class: 'CH' }] }), rcode: RCODE.REFUSED },
    { what: 'not our zone: REFUSED', packet: () => queryMessage('example.org.', 'A'), rcode: RCODE.REFUSED },
    { what: 'our zone: NOERROR', packet: () => queryMessage(`www.${Z}`, 'A'), rcode: RCODE.NOERROR },
  ];
  it.each(cases)('$what', ({ packet, rcode }) => {
    const r = ask(packet());
    if (rcode === null) expect(r).toBeNull();
    else expect(r?.rcode).toBe(rcode);
  });

  it('two OPT records: FORMERR', () => {
    // Append a second OPT RR (root name, type 41, class 1232, ttl 0, rdlen 0) and bump ARCOUNT.
    const raw = Buffer.from(encodeMessage(queryMessage(`www.${Z}`, 'A', { edns: 1232 })).buf);
    raw.writeUInt16BE(2, 10);
    const second = Buffer.from('0000290' + '4d0' + '00000000' + '0000', 'hex');
    expect(ask(Buffer.concat([raw, second]))?.rcode).toBe(RCODE.FORMERR);
  });

  it('an exception while answering gives SERVFAIL and the next query is answered', () => {
    const broken: HandlerContext = { ...ctx, store: { findZone: () => { throw new Error('boom'); } } as unknown as ZoneStore, log: { ...log, error: () => {} } as typeof log };
    const out = handleMessage(broken, encodeMessage(queryMessage(`www.${Z}`, 'A')).buf, 'udp', peer);
    expect(decodeMessage(out!).rcode).toBe(RCODE.SERVFAIL);
    expect(ask(queryMessage(`www.${Z}`, 'A'))?.rcode).toBe(RCODE.NOERROR);
  });
});

describe('answers', () => {
  const table: {
    q: string;
    type: string;
    rcode: number;
    aa: boolean;
    answer: string[];
    authority: string[];
    additional?: string[];
  }[] = [
    { q: `www.${Z}`, type: 'A', rcode: 0, aa: true, answer: [`www.${Z} A`], authority: [] },
    { q: `www.${Z}`, type: 'MX', rcode: 0, aa: true, answer: [], authority: [`${Z} SOA`] },
    { q: `nope.${Z}`, type: 'A', rcode: 3, aa: true, answer: [], authority: [`${Z} SOA`] },
    { q: `ent.${Z}`, type: 'A', rcode: 0, aa: true, answer: [], authority: [`${Z} SOA`] },
    { q: `alias.${Z}`, type: 'A', rcode: 0, aa: true, answer: [`alias.${Z} CNAME`, `www.${Z} A`], authority: [] },
    { q: `alias.${Z}`, type: 'CNAME', rcode: 0, aa: true, answer: [`alias.${Z} CNAME`], authority: [] },
    { q: `outside.${Z}`, type: 'A', rcode: 0, aa: true, answer: [`outside.${Z} CNAME`], authority: [] },
    { q: `loop1.${Z}`, type: 'A', rcode: 0, aa: true, answer: [`loop1.${Z} CNAME`, `loop2.${Z} CNAME`], authority: [] },
    { q: `x.wild.${Z}`, type: 'A', rcode: 0, aa: true, answer: [`x.wild.${Z} A`], authority: [] },
    { q: `a.b.wild.${Z}`, type: 'A', rcode: 0, aa: true, answer: [`a.b.wild.${Z} A`], authority: [] },
    { q: `x.wild.${Z}`, type: 'TXT', rcode: 0, aa: true, answer: [], authority: [`${Z} SOA`] },
    { q: `x.ent.${Z}`, type: 'A', rcode: 3, aa: true, answer: [], authority: [`${Z} SOA`] },
    { q: `sub.${Z}`, type: 'A', rcode: 0, aa: false, answer: [], authority: [`sub.${Z} NS`], additional: [`ns.sub.${Z} A`] },
    { q: `deep.sub.${Z}`, type: 'A', rcode: 0, aa: false, answer: [], authority: [`sub.${Z} NS`], additional: [`ns.sub.${Z} A`] },
    { q: `ns.sub.${Z}`, type: 'A', rcode: 0, aa: false, answer: [], authority: [`sub.${Z} NS`], additional: [`ns.sub.${Z} A`] },
    { q: Z, type: 'NS', rcode: 0, aa: true, answer: [`${Z} NS`], authority: [], additional: [`ns1.${Z} A`] },
  ];
  it.each(table)('$q $type → rcode $rcode', ({ q, type, rcode, aa, answer, authority, additional }) => {
    const r = ask(queryMessage(q, type))!;
    expect(r.rcode).toBe(rcode);
    expect(r.aa).toBe(aa);
    expect(r.answers.map((x) => `${x.name.toLowerCase()} ${x.type}`)).toEqual(answer);
    expect(r.authorities.map((x) => `${x.name.toLowerCase()} ${x.type}`)).toEqual(authority);
    if (additional) expect(r.additionals.map((x) => `${x.name.toLowerCase()} ${x.type}`)).toEqual(additional);
  });

  it('negative answers carry the SOA with TTL min(SOA TTL, minimum)', () => {
    const r = ask(queryMessage(`nope.${Z}`, 'A'))!;
    expect(r.authorities[0]!.ttl).toBe(120);
  });

  it('echoes the question in the client case and matches names without case', () => {
    const r = ask(queryMessage(`WwW.Pkt.TEST.`, 'A'))!;
    expect(r.questions[0]!.name).toBe('WwW.Pkt.TEST.');
    expect(names(r.answers)).toEqual([`www.${Z}`]);
  });

  it('answers OPT only when asked with EDNS', () => {
    expect(ask(queryMessage(`www.${Z}`, 'A'))!.edns).toBeUndefined();
    expect(ask(queryMessage(`www.${Z}`, 'A', { edns: 4096 }))!.edns?.udpSize).toBe(1232);
  });

  // RFC 3225 §3: the DO bit of the query comes back in the response's OPT, whatever the
  // answer and whether or not the zone is signed (this one is not).
  it.each([
    ['an answer', `www.${Z}`, 'A', RCODE.NOERROR],
    ['NXDOMAIN', `nope.${Z}`, 'A', RCODE.NXDOMAIN],
    ['REFUSED', 'example.org.', 'A', RCODE.REFUSED],
    ['an IXFR over UDP', Z, 'IXFR', RCODE.NOERROR],
  ])('copies the DO bit into the OPT of %s', (_what, name, type, rcode) => {
    const withDo = ask(queryMessage(name, type, { edns: 1232, dnssecOk: true }))!;
    expect([withDo.rcode, withDo.edns?.dnssecOk]).toEqual([rcode, true]);
    const without = ask(queryMessage(name, type, { edns: 1232 }))!;
    expect([without.rcode, without.edns?.dnssecOk]).toEqual([rcode, false]);
  });

  it('copies the DO bit into the OPT of a SERVFAIL', () => {
    const broken: HandlerContext = { ...ctx, store: { findZone: () => { throw new Error('boom'); } } as unknown as ZoneStore, log: { ...log, error: () => {} } as typeof log };
    const out = decodeMessage(handleMessage(broken, encodeMessage(queryMessage(`www.${Z}`, 'A', { dnssecOk: true })).buf, 'udp', peer)!);
    expect([out.rcode, out.edns?.dnssecOk]).toEqual([RCODE.SERVFAIL, true]);
  });
});
