// A zone-transfer client for tests: sends AXFR or IXFR over TCP (optionally
// TSIG-signed) and collects every message until the transfer ends, checking
// the TSIG chain of the responses (RFC 8945 §5.3.1) when a key was used.
import net from 'node:net';
import { signMessage, verifyMessage, type TsigKey } from '../dns/tsig';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { decodeMessage, encodeMessage, type Message } from '../dns/wire';

export interface TransferResult {
  messages: Message[];
  raw: Buffer[];
  /** Every answer record of every message, in order. */
  records: Message['answers'];
  /** 'ok' when every signed message verified in order; the first failure otherwise. */
  tsig: 'unsigned' | 'ok' | string;
}

export { transferQuery } from '../worker/secondary/transfer-in';
import { transferQuery } from '../worker/secondary/transfer-in';

/** Sends `queries` pipelined on one connection and collects the replies of each. */
export function transferMany(port: number, queries: Buffer[], timeoutMs = 10_000, key?: TsigKey, requestMacs: Buffer[] = []): Promise<TransferResult[]> {
  return new Promise((resolve, reject) => {
    const results: TransferResult[] = queries.map(() => ({ messages: [], raw: [], records: [], tsig: key ? 'ok' : 'unsigned' }));
    const macs = [...requestMacs];
    let current = 0;
    let soas: number[] = [];
    let prevMac: Buffer | undefined;
    const reader = new TcpFrameReader();
    const sock = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`transfer timed out after ${timeoutMs} ms (${results[current]?.messages.length ?? 0} messages of transfer ${current + 1})`));
    }, timeoutMs);
    sock.on('connect', () => {
      for (const q of queries) sock.write(frame(q));
    });
    sock.on('data', (chunk) => {
      for (const m of reader.push(chunk)) {
        const r = results[current]!;
        let body = m;
        if (key && r.tsig === 'ok') {
          const v = verifyMessage(m, (n) => (n === key.name ? key : undefined), r.messages.length === 0 ? { requestMac: macs[current] } : { previousMac: prevMac });
          if (v.status !== 'ok') r.tsig = v.status === 'error' ? `message ${r.messages.length + 1}: ${v.tsigError} ${v.message}` : `message ${r.messages.length + 1} unsigned`;
          else {
            prevMac = v.mac;
            body = v.unsigned;
          }
        }
        const msg = decodeMessage(body);
        r.messages.push(msg);
        r.raw.push(m);
        r.records.push(...msg.answers);
        for (const a of msg.answers) if (a.type === 'SOA') soas.push((a.data as { serial: number }).serial);
        const done = msg.rcode !== 0 || transferComplete(r.records, soas);
        if (done) {
          current++;
          soas = [];
          prevMac = undefined;
          if (current === queries.length) {
            clearTimeout(timer);
            sock.destroy();
            resolve(results);
            return;
          }
        }
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (current < queries.length) resolve(results);
    });
  });
}

/**
 * Whether the records so far make a whole transfer. A lone SOA: the client is
 * current (RFC 1995 §2). Second record not an SOA: AXFR style, ends at the
 * second SOA. Otherwise incremental (RFC 1995 §4): SOA(S), then pairs of
 * SOAs (old, new) each followed by records, the last pair's new SOA being S,
 * then SOA(S) again; only there do two SOAs of serial S follow each other.
 */
function transferComplete(records: Message['answers'], soas: number[]): boolean {
  if (records.length === 1) return records[0]!.type === 'SOA';
  if (records[1]?.type !== 'SOA') return soas.length >= 2;
  const s = soas[0];
  return soas.length >= 4 && soas.length % 2 === 0 && soas.at(-1) === s && soas.at(-2) === s && records.at(-1)!.type === 'SOA';
}

export async function transfer(port: number, zone: string, type: 'AXFR' | 'IXFR', opts: { serial?: number; key?: TsigKey; timeoutMs?: number } = {}): Promise<TransferResult> {
  let q = encodeMessage(transferQuery(zone, type, opts.serial)).buf;
  const macs: Buffer[] = [];
  if (opts.key) {
    const signed = signMessage(q, opts.key);
    q = signed.message;
    macs.push(signed.mac);
  }
  const [r] = await transferMany(port, [q], opts.timeoutMs, opts.key, macs);
  return r!;
}
