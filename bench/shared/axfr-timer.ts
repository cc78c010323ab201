// One AXFR over TCP timed at the byte level: frames, headers and record
// boundaries only, ending at the second SOA. dig is itself the bottleneck on
// big zones (docs/architecture.md, "Measured costs"), so this shows the
// server's own speed.
import net from 'node:net';
import { frame } from '../../lib/dns/tcp-framing.ts';
import { encodeMessage } from '../../lib/dns/wire.ts';
import { queryMessage } from '../../lib/testing/dns-client.ts';

export interface AxfrTiming {
  ms: number;
  /** CPU time the server process spent meanwhile (user + system), robust to a busy machine. */
  cpuMs?: number;
  records: number;
  messages: number;
  bytes: number;
}

export function timeAxfr(host: string, port: number, zone: string, timeoutMs = 120_000): Promise<AxfrTiming> {
  return new Promise((resolve, reject) => {
    const query = frame(encodeMessage(queryMessage(`${zone.replace(/\.$/, '')}.`, 'AXFR')).buf);
    const sock = net.connect({ host, port });
    let pending: Buffer = Buffer.alloc(0);
    let started = 0;
    let records = 0;
    let messages = 0;
    let bytes = 0;
    let soas = 0;
    const timer = setTimeout(() => (sock.destroy(), reject(new Error(`AXFR from ${host}:${port} timed out after ${records} records`))), timeoutMs);
    const fail = (err: Error) => (clearTimeout(timer), sock.destroy(), reject(err));
    sock.on('connect', () => {
      started = performance.now();
      sock.write(query);
    });
    sock.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let off = 0;
      while (pending.length - off >= 2) {
        const len = pending.readUInt16BE(off);
        if (pending.length - off - 2 < len) break;
        const msg = pending.subarray(off + 2, off + 2 + len);
        off += 2 + len;
        messages++;
        const rcode = msg[3]! & 0x0f;
        if (rcode !== 0) return fail(new Error(`AXFR from ${host}:${port}: rcode ${rcode}`));
        let p = 12;
        for (let q = msg.readUInt16BE(4); q > 0; q--) p = skipName(msg, p) + 4;
        for (let a = msg.readUInt16BE(6); a > 0; a--) {
          p = skipName(msg, p);
          if (msg.readUInt16BE(p) === 6) soas++;
          p += 10 + msg.readUInt16BE(p + 8);
          records++;
        }
        if (soas >= 2) {
          const ms = performance.now() - started;
          clearTimeout(timer);
          sock.destroy();
          return resolve({ ms, records, messages, bytes });
        }
      }
      pending = pending.subarray(off);
    });
    sock.on('error', fail);
    sock.on('close', () => fail(new Error(`AXFR from ${host}:${port}: connection closed after ${records} records`)));
  });
}

/** The offset just past the (possibly compressed) name at `p`. */
export function skipName(msg: Buffer, p: number): number {
  for (;;) {
    const l = msg[p]!;
    if (l === 0) return p + 1;
    if ((l & 0xc0) === 0xc0) return p + 2;
    p += l + 1;
  }
}
