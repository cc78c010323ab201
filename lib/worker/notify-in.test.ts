// NOTIFY in, fed packets through the handler with no sockets: the guard table
// of notify-in.ts (FORMERR, REFUSED, NOTAUTH, NOERROR) and what the secondary
// engine is told (STYLE.md rule 11, second layer).
import { describe, expect, it } from 'vitest';
import type { ListenAddress } from '../config/env';
import { contentToWire } from '../dns/rdata';
import { signMessage, type TsigKey } from '../dns/tsig';
import { decodeMessage, encodeMessage, newQuery, OPCODE, RCODE, type Message } from '../dns/wire';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import type { NotifyInbox, NotifyZoneInfo } from './notify-inbox';
import type { SecondaryEvent } from './secondary/events';
import { ZoneStore } from './zone-store';

const PRIMARY = '192.0.2.1';
const key: TsigKey = { name: 'xfr-key.', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 7) };
const otherKey: TsigKey = { name: 'other-key.', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 9) };

class FakeInbox implements NotifyInbox {
  notifiedZones: { zone: string; from: ListenAddress; hint: number | null }[] = [];
  unknown: { zone: string; from: ListenAddress }[] = [];
  events: SecondaryEvent[] = [];
  zones = new Map<string, NotifyZoneInfo>([
    ['sec.test.', { kind: 'secondary', id: 1, primaries: [{ address: PRIMARY, port: 53 }, { address: '2001:db8::53', port: 5300 }], tsigKeyName: null }],
    ['signed.test.', { kind: 'secondary', id: 2, primaries: [{ address: PRIMARY, port: 53 }], tsigKeyName: key.name }],
    ['mine.test.', { kind: 'primary', id: 3 }],
  ]);
  zoneInfo(zone: string) {
    return this.zones.get(zone);
  }
  isAutoprimary(address: string) {
    return address === '198.51.100.7';
  }
  notified(zone: string, from: ListenAddress, hint: number | null) {
    this.notifiedZones.push({ zone, from, hint });
  }
  notifiedUnknown(zone: string, from: ListenAddress) {
    this.unknown.push({ zone, from });
  }
  record(e: SecondaryEvent) {
    this.events.push(e);
  }
}

function setup() {
  const store = new ZoneStore();
  store.tsigKeys = new Map([
    [key.name, key],
    [otherKey.name, otherKey],
  ]);
  const inbox = new FakeInbox();
  const ctx: HandlerContext = { store, log: { ...log, warn: () => {}, info: () => {} } as typeof log, ednsUdpLimit: 1232, notifyInbox: inbox };
  return { ctx, inbox };
}

function notify(zone: string, opts: { type?: string; serial?: number; questions?: number } = {}): Message {
  const m = newQuery(zone, opts.type ?? 'SOA', { id: 4242, opcode: OPCODE.NOTIFY, aa: true });
  const q = m.questions[0]!;
  m.questions = opts.questions === 0 ? [] : opts.questions === 2 ? [q, q] : [q];
  if (opts.serial !== undefined) m.answers = [{ name: zone, type: 'SOA', class: 'IN', ttl: 3600, data: contentToWire('SOA', `ns1.${zone} h.${zone} ${opts.serial} 3600 600 86400 300`) }];
  return m;
}

function send(ctx: HandlerContext, m: Message | Buffer, from = PRIMARY): Message {
  const raw = Buffer.isBuffer(m) ? m : encodeMessage(m).buf;
  return decodeMessage(handleMessage(ctx, raw, 'udp', { address: from, port: 40000 })!);
}

describe('NOTIFY guards (notify-in.ts rcode table)', () => {
  const cases: { what: string; msg: () => Message; from?: string; rcode: number; outcome?: string }[] = [
    { what: 'no question: FORMERR', msg: () => notify('sec.test.', { questions: 0 }), rcode: RCODE.FORMERR },
    { what: 'two questions: FORMERR', msg: () => notify('sec.test.', { questions: 2 }), rcode: RCODE.FORMERR },
    { what: 'question not SOA: FORMERR', msg: () => notify('sec.test.', { type: 'A' }), rcode: RCODE.FORMERR },
    { what: 'class CH: REFUSED', msg: () => ({ ...notify('sec.test.'), questions: [{ name: 'sec.test.', type: 'SOA', class: 'CH' }] }), rcode: RCODE.REFUSED, outcome: 'refused' },
    { what: 'a zone we are primary for: REFUSED', msg: () => notify('mine.test.'), rcode: RCODE.REFUSED, outcome: 'refused' },
    { what: 'from an address that is not a primary: REFUSED', msg: () => notify('sec.test.'), from: '192.0.2.99', rcode: RCODE.REFUSED, outcome: 'refused' },
    { what: 'an unknown zone from anyone: REFUSED', msg: () => notify('nobody.test.'), rcode: RCODE.REFUSED, outcome: 'refused' },
    { what: 'a keyed zone, NOTIFY unsigned: NOTAUTH', msg: () => notify('signed.test.'), rcode: RCODE.NOTAUTH, outcome: 'notauth' },
    { what: 'an unknown zone inside one of ours, from an autoprimary: REFUSED', msg: () => notify('a.b.sec.test.'), from: '198.51.100.7', rcode: RCODE.REFUSED, outcome: 'refused' },
  ];
  it.each(cases)('$what', ({ msg, from, rcode, outcome }) => {
    const { ctx, inbox } = setup();
    const r = send(ctx, msg(), from);
    expect(r.rcode).toBe(rcode);
    expect(r.opcode).toBe(OPCODE.NOTIFY);
    expect(r.aa).toBe(false);
    expect(inbox.notifiedZones).toEqual([]);
    expect(inbox.unknown).toEqual([]);
    if (outcome) expect(inbox.events).toMatchObject([{ kind: 'notify-in', outcome }]);
    else expect(inbox.events).toEqual([]);
  });

  it('an autoprimary announcing a name inside a zone of ours: REFUSED, the reason recorded, the engine not told', () => {
    // Bug: any name we did not hold as a zone went to the engine, which created it below our zone, taking over its names.
    const { ctx, inbox } = setup();
    const r = send(ctx, notify('WWW.mine.test.', { serial: 5 }), '198.51.100.7');
    expect(r.rcode).toBe(RCODE.REFUSED);
    expect(inbox.unknown).toEqual([]);
    expect(inbox.events).toEqual([
      {
        zoneId: null,
        zoneName: 'www.mine.test.',
        kind: 'notify-in',
        peer: '198.51.100.7',
        serial: 5,
        outcome: 'refused',
        detail: 'www.mine.test. lies inside our zone mine.test.; an autoprimary never creates a zone below an existing one',
      },
    ]);
  });

  it('a keyed zone, NOTIFY signed with another key: NOTAUTH', () => {
    const { ctx, inbox } = setup();
    const signed = signMessage(encodeMessage(notify('signed.test.')).buf, otherKey).message;
    const r = send(ctx, signed);
    expect(r.rcode).toBe(RCODE.NOTAUTH);
    expect(inbox.events[0]?.detail).toMatch(/needs TSIG key xfr-key\.; the NOTIFY was signed with other-key\./);
    expect(inbox.notifiedZones).toEqual([]);
  });
});

describe('accepted NOTIFY', () => {
  it('from a primary: NOERROR, AA, the question echoed; the engine is told with the serial hint', () => {
    const { ctx, inbox } = setup();
    const r = send(ctx, notify('SEC.test.', { serial: 2026112401 }));
    expect(r).toMatchObject({ id: 4242, qr: true, opcode: OPCODE.NOTIFY, aa: true, rcode: RCODE.NOERROR });
    expect(r.questions).toEqual([{ name: 'SEC.test.', type: 'SOA', class: 'IN' }]);
    expect(r.answers).toEqual([]);
    expect(inbox.notifiedZones).toEqual([{ zone: 'sec.test.', from: { address: PRIMARY, port: 40000 }, hint: 2026112401 }]);
    expect(inbox.events).toMatchObject([{ zoneId: 1, kind: 'notify-in', outcome: 'ok', peer: PRIMARY, serial: 2026112401 }]);
  });

  it('matches the primary by address only, IPv6 and IPv4-mapped alike', () => {
    const { ctx, inbox } = setup();
    expect(send(ctx, notify('sec.test.'), '2001:db8:0::53').rcode).toBe(RCODE.NOERROR);
    expect(send(ctx, notify('sec.test.'), `::ffff:${PRIMARY}`).rcode).toBe(RCODE.NOERROR);
    expect(inbox.notifiedZones.map((n) => n.from.address)).toEqual(['2001:db8::53', PRIMARY]);
  });

  it('a keyed zone, NOTIFY signed with its key: NOERROR, and the answer is signed', () => {
    const { ctx, inbox } = setup();
    const raw = signMessage(encodeMessage(notify('signed.test.', { serial: 3 })).buf, key).message;
    const out = handleMessage(ctx, raw, 'udp', { address: PRIMARY, port: 40000 })!;
    const r = decodeMessage(out);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.additionals.map((x) => x.type)).toEqual(['TSIG']);
    expect(inbox.notifiedZones.map((n) => n.zone)).toEqual(['signed.test.']);
  });

  it('an unknown zone from an autoprimary: NOERROR at once; the engine checks the NS set later', () => {
    const { ctx, inbox } = setup();
    const r = send(ctx, notify('new.test.', { serial: 1 }), '198.51.100.7');
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.aa).toBe(true);
    expect(inbox.unknown).toEqual([{ zone: 'new.test.', from: { address: '198.51.100.7', port: 40000 } }]);
  });

  it('over TCP as over UDP', () => {
    const { ctx, inbox } = setup();
    const out = handleMessage(ctx, encodeMessage(notify('sec.test.')).buf, 'tcp', { address: PRIMARY, port: 40001 })!;
    expect(decodeMessage(out).rcode).toBe(RCODE.NOERROR);
    expect(inbox.notifiedZones).toHaveLength(1);
  });

  it('without a secondary engine every NOTIFY is refused', () => {
    const { ctx } = setup();
    const bare: HandlerContext = { ...ctx, notifyInbox: undefined };
    expect(send(bare, notify('sec.test.')).rcode).toBe(RCODE.REFUSED);
  });
});
