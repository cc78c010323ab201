// A request is read once (request.ts): its TSIG is verified once whichever
// operation answers it, and a signature that fails is answered the same way on
// the NOTIFY path (through the handler) and the transfer path (through the TCP
// listener on 127.0.0.1 port 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenAddress } from '../config/env';
import type { RR } from '../dns/types';
import { signMessage, TSIG_RCODE, verifyMessage, type TsigKey } from '../dns/tsig';
import { decodeMessage, encodeMessage, newQuery, OPCODE, RCODE } from '../dns/wire';
import { queryMessage } from '../testing/dns-client';
import { transferMany, transferQuery } from '../testing/xfr-client';
import { handleMessage } from './handler';
import { log } from './logger';
import type { NotifyInbox, NotifyZoneInfo } from './notify-inbox';
import type { HandlerContext } from './request';
import { listenTcp, type TcpListener } from './tcp';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const key: TsigKey = { name: 'xfr-key.', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 7) };
const keyOf = (n: string) => (n === key.name ? key : undefined);
const PRIMARY = '127.0.0.1';
const Z = 'xfr.test.';

/** Our keys, counting lookups: verifyMessage looks the key up once per verification (lib/dns/tsig.ts). */
class CountingKeys extends Map<string, TsigKey> {
  lookups = 0;
  override get(name: string): TsigKey | undefined {
    this.lookups++;
    return super.get(name);
  }
}

class Inbox implements NotifyInbox {
  notifiedZones: string[] = [];
  zoneInfo(zone: string): NotifyZoneInfo | undefined {
    return zone === 'sec.test.' ? { kind: 'secondary', id: 1, primaries: [{ address: PRIMARY, port: 53 }], tsigKeyName: key.name } : undefined;
  }
  isAutoprimary() {
    return false;
  }
  notified(zone: string, _from: ListenAddress) {
    this.notifiedZones.push(zone);
  }
  notifiedUnknown() {}
  record() {}
}

const keys = new CountingKeys([[key.name, key]]);
const inbox = new Inbox();
let ctx: HandlerContext;
let tcp: TcpListener;

beforeAll(async () => {
  const store = new ZoneStore();
  store.tsigKeys = keys;
  const soa: RR = { name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} 7 3600 600 86400 120` };
  store.set(
    buildSnapshot({ id: 1, name: Z, serial: 7, version: 1, soa, negativeTtl: 120, transfer: { allow: ['127.0.0.0/8'], tsigKeyName: key.name } }, [
      { name: Z, type: 'NS', ttl: 300, content: `ns1.${Z}` },
      { name: `ns1.${Z}`, type: 'A', ttl: 300, content: '192.0.2.53' },
    ]),
  );
  const quiet = { ...log, info: () => {}, warn: () => {} } as typeof log;
  // Read-only: the transfer writes no event, so no database is needed.
  ctx = { store, log: quiet, ednsUdpLimit: 1232, notifyInbox: inbox, readOnly: true };
  tcp = await listenTcp(ctx, { address: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await tcp?.close();
});

function signedNotify(timeSigned?: number) {
  const m = newQuery('sec.test.', 'SOA', { id: 4242, opcode: OPCODE.NOTIFY, aa: true });
  return signMessage(encodeMessage(m).buf, key, { timeSigned });
}

function notify(raw: Buffer): Buffer {
  return handleMessage(ctx, raw, 'udp', { address: PRIMARY, port: 40000 })!;
}

async function axfr(signed: { message: Buffer; mac: Buffer }) {
  const [r] = await transferMany(tcp.port, [signed.message], 5000, key, [signed.mac]);
  return r!;
}

describe('a signed request is verified once', () => {
  it('a NOTIFY for a zone with a key: accepted, answered signed, the signature checked once', () => {
    keys.lookups = 0;
    const signed = signedNotify();
    const out = notify(signed.message);
    expect(decodeMessage(out).rcode).toBe(RCODE.NOERROR);
    expect(verifyMessage(out, keyOf, { requestMac: signed.mac }).status).toBe('ok');
    expect(inbox.notifiedZones).toContain('sec.test.');
    expect(keys.lookups).toBe(1);
  });

  it('an AXFR over TCP for a zone with a key: served signed, the signature checked once', async () => {
    keys.lookups = 0;
    const r = await axfr(signMessage(encodeMessage(transferQuery(Z, 'AXFR')).buf, key));
    expect(r.tsig).toBe('ok');
    expect(r.records.map((x) => x.type)).toEqual(['SOA', 'NS', 'A', 'SOA']);
    expect(keys.lookups).toBe(1);
  });
});

describe('a signature outside the fudge: BADTIME on every path (RFC 8945 §5.2.3)', () => {
  const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
  // The reply carries the request's time (§5.2.3), so the client checks it against that.
  const check = (reply: Buffer, requestMac: Buffer) => verifyMessage(reply, keyOf, { requestMac, now: anHourAgo });

  it('NOTIFY: NOTAUTH with a signed BADTIME, the engine not told', () => {
    const before = inbox.notifiedZones.length;
    const signed = signedNotify(anHourAgo);
    const out = notify(signed.message);
    expect(decodeMessage(out).rcode).toBe(RCODE.NOTAUTH);
    expect(check(out, signed.mac)).toMatchObject({ status: 'error', peerError: TSIG_RCODE.BADTIME });
    expect(inbox.notifiedZones).toHaveLength(before);
  });

  it('AXFR: NOTAUTH with a signed BADTIME, no records', async () => {
    const signed = signMessage(encodeMessage(transferQuery(Z, 'AXFR')).buf, key, { timeSigned: anHourAgo });
    const r = await axfr(signed);
    expect(r.messages.map((m) => m.rcode)).toEqual([RCODE.NOTAUTH]);
    expect(r.records).toEqual([]);
    expect(check(r.raw[0]!, signed.mac)).toMatchObject({ status: 'error', peerError: TSIG_RCODE.BADTIME });
  });
});

/** A signed message whose only record, its TSIG, is counted in the answer section instead of the additional. */
function tsigInAnswers(raw: Buffer): Buffer {
  const out = signMessage(raw, key).message;
  out.writeUInt16BE(1, 6);
  out.writeUInt16BE(0, 10);
  return out;
}

describe('a TSIG record out of place: FORMERR on every path (RFC 8945 §5.1)', () => {
  it('a query', () => {
    // The query path used to look for TSIG in the additional section only and answered such a query as unsigned.
    const out = handleMessage(ctx, tsigInAnswers(encodeMessage(queryMessage(Z, 'SOA')).buf), 'udp', { address: PRIMARY, port: 40000 })!;
    expect(decodeMessage(out).rcode).toBe(RCODE.FORMERR);
  });

  it('an AXFR over TCP', async () => {
    const [r] = await transferMany(tcp.port, [tsigInAnswers(encodeMessage(transferQuery(Z, 'AXFR')).buf)], 5000);
    expect(r!.messages.map((m) => m.rcode)).toEqual([RCODE.FORMERR]);
  });
});
