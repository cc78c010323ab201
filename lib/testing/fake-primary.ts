// A scripted primary for secondary-engine tests: UDP and TCP on one loopback
// port, serving one zone at the version the test sets. It answers SOA
// questions, AXFR, and IXFR from its previous versions (one difference
// sequence per version step), TSIG-signed when given a key. Failures on
// demand: refuse everything, cut a transfer off after some messages (half a
// frame, then the connection is destroyed, as when the primary dies), or
// send an IXFR that deletes a record the secondary cannot hold.
import dgram from 'node:dgram';
import net from 'node:net';
import { contentToWire, soaContent } from '../dns/rdata';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { signMessage, verifyMessage, type TsigKey } from '../dns/tsig';
import type { RR, SoaFields } from '../dns/types';
import { decodeMessage, encodeMessage, newResponse, RCODE, type Message, type WireRecord } from '../dns/wire';

export interface FakePrimaryBehaviour {
  /** Every question gets REFUSED. */
  refuse?: boolean;
  /** Transfers stop after this many whole messages: half of the next frame, then the connection is destroyed. */
  cutAfterMessages?: number;
  /** IXFR answers delete a record that was never in the zone. */
  corruptIxfr?: boolean;
  /** IXFR is answered NOTIMP (AXFR still works). */
  noIxfr?: boolean;
}

export interface FakePrimary {
  port: number;
  address: string;
  /** "127.0.0.1:port". */
  target: string;
  serial: number;
  behaviour: FakePrimaryBehaviour;
  /** Every question, in order: "udp SOA", "tcp AXFR", "tcp IXFR 5"… */
  log: string[];
  /** Publishes a new version of the zone (records without the SOA). */
  publish(serial: number, records: RR[], soa?: Partial<SoaFields>): void;
  close(): Promise<void>;
}

const PER_MESSAGE = 200;

export async function startFakePrimary(zone: string, opts: { key?: TsigKey } = {}): Promise<FakePrimary> {
  const versions = new Map<number, { soa: WireRecord; records: RR[] }>();
  const sockets = new Set<net.Socket>();
  const log: string[] = [];
  let current = 0;

  const soaRecord = (serial: number, extra: Partial<SoaFields> = {}): WireRecord => ({
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl: 3600,
    data: contentToWire('SOA', soaContent({ mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial, refresh: 3600, retry: 600, expire: 86400, minimum: 300, ...extra })),
  });
  const toWire = (r: RR): WireRecord => ({ name: r.name, type: r.type, class: 'IN', ttl: r.ttl, data: contentToWire(r.type, r.content) });
  const key = (r: RR) => `${r.name} ${r.type} ${r.content}`;

  /** The replies to one query (several messages for a transfer), unsigned. */
  const answer = (q: Message, transport: string): Message[] => {
    const question = q.questions[0];
    const res = newResponse(q);
    const v = versions.get(current);
    if (fake.behaviour.refuse || !question || !v || question.name.toLowerCase() !== zone) {
      res.rcode = RCODE.REFUSED;
      return [res];
    }
    const clientSerial = (q.authorities.find((r) => r.type === 'SOA')?.data as { serial?: number } | undefined)?.serial;
    log.push(`${transport} ${question.type}${question.type === 'IXFR' ? ` ${clientSerial}` : ''}`);
    res.aa = true;
    if (question.type === 'SOA') {
      res.answers = [v.soa];
      return [res];
    }
    if (question.type === 'NS') {
      res.answers = v.records.filter((r) => r.type === 'NS' && r.name === zone).map(toWire);
      return [res];
    }
    if (question.type !== 'AXFR' && question.type !== 'IXFR') {
      res.rcode = RCODE.REFUSED;
      return [res];
    }
    if (question.type === 'IXFR' && fake.behaviour.noIxfr) {
      res.rcode = RCODE.NOTIMP;
      return [res];
    }
    let body: WireRecord[];
    if (question.type === 'IXFR' && clientSerial === current) body = [v.soa];
    else if (question.type === 'IXFR' && clientSerial !== undefined && versions.has(clientSerial)) {
      // One sequence per published version after the client's.
      const serials = [...versions.keys()].sort((a, b) => a - b).filter((s) => s >= clientSerial);
      body = [v.soa];
      for (let i = 0; i + 1 < serials.length; i++) {
        const from = versions.get(serials[i]!)!;
        const to = versions.get(serials[i + 1]!)!;
        const toKeys = new Set(to.records.map(key));
        const fromKeys = new Set(from.records.map(key));
        const removed = from.records.filter((r) => !toKeys.has(key(r)));
        if (fake.behaviour.corruptIxfr) removed.push({ name: `never-there.${zone}`, type: 'A', ttl: 300, content: '192.0.2.254' });
        // One push per record: spreading a big version's records would overflow the call stack.
        body.push(from.soa);
        for (const r of removed) body.push(toWire(r));
        body.push(to.soa);
        for (const r of to.records) if (!fromKeys.has(key(r))) body.push(toWire(r));
      }
      body.push(v.soa);
    } else body = [v.soa, ...v.records.map(toWire), v.soa];
    const out: Message[] = [];
    for (let i = 0; i < body.length; i += PER_MESSAGE) {
      const m = newResponse(q);
      m.aa = true;
      if (i > 0) m.questions = [];
      m.answers = body.slice(i, i + PER_MESSAGE);
      out.push(m);
    }
    return out;
  };

  /** Encodes (and signs, chaining MACs) the replies to `raw`. */
  const replies = (raw: Buffer, transport: string): Buffer[] => {
    let q: Message;
    try {
      q = decodeMessage(raw);
    } catch {
      return [];
    }
    let mac: Buffer | undefined;
    if (opts.key) {
      const k = opts.key;
      const v = verifyMessage(raw, (n) => (n === k.name ? k : undefined));
      if (v.status !== 'ok') {
        log.push(`${transport} unsigned or badly signed${v.status === "error" ? `: ${v.tsigError} ${v.message}` : ""}`);
        const res = newResponse(q);
        res.rcode = RCODE.NOTAUTH;
        return [encodeMessage(res).buf];
      }
      mac = v.mac;
    }
    return answer(q, transport).map((m, i) => {
      const buf = encodeMessage(m).buf;
      if (!opts.key) return buf;
      const s = signMessage(buf, opts.key, i === 0 ? { requestMac: mac } : { previousMac: mac });
      mac = s.mac;
      return s.message;
    });
  };

  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    const reader = new TcpFrameReader();
    sock.on('data', (chunk) => {
      for (const m of reader.push(chunk)) {
        const out = replies(m, 'tcp');
        const cut = fake.behaviour.cutAfterMessages;
        for (let i = 0; i < out.length; i++) {
          if (cut !== undefined && i === cut && out.length > 1) {
            const f = frame(out[i]!);
            sock.write(f.subarray(0, Math.floor(f.length / 2)), () => sock.destroy());
            return;
          }
          sock.write(frame(out[i]!));
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', () => resolve());
  });
  udp.on('message', (m, rinfo) => {
    const out = replies(m, 'udp');
    if (out[0]) udp.send(out[0], rinfo.port, rinfo.address);
  });

  const fake: FakePrimary = {
    port,
    address: '127.0.0.1',
    target: `127.0.0.1:${port}`,
    get serial() {
      return current;
    },
    behaviour: {},
    log,
    publish(serial, records, soa) {
      versions.set(serial, { soa: soaRecord(serial, soa), records });
      current = serial;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => tcp.close(() => r())), new Promise<void>((r) => udp.close(() => r()))]);
    },
  };
  return fake;
}
