// NOTIFY out (RFC 1996): opcode NOTIFY, AA set, the zone's SOA as the
// question and the current SOA in the answer section (§3.7). A target
// acknowledges with a NOERROR NOTIFY response carrying the same ID.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { ListenAddress } from '../config/env';
import type { NotifyResult } from '../control/protocol';
import { formatHostPort } from '../dns/address';
import { contentToWire } from '../dns/rdata';
import type { RR } from '../dns/types';
import { decodeMessage, encodeMessage, newQuery, OPCODE, RCODE, rcodeName, type Message } from '../dns/wire';
import { signMessage, type TsigKey } from '../dns/tsig';

export function notifyMessage(soa: RR, id: number): Buffer {
  const msg = newQuery(soa.name, 'SOA', { id, opcode: OPCODE.NOTIFY, aa: true });
  msg.answers = [{ name: soa.name, type: 'SOA', class: 'IN', ttl: soa.ttl, data: contentToWire('SOA', soa.content) }];
  return encodeMessage(msg).buf;
}

/** Sends one NOTIFY over UDP, retrying with a doubling timeout, and reports what the target said. */
export async function sendNotify(
  soa: RR,
  target: ListenAddress,
  opts: { source?: string; timeoutsMs?: number[]; key?: TsigKey } = {},
): Promise<NotifyResult> {
  const label = formatHostPort(target);
  const family = net.isIPv6(target.address) ? 'udp6' : 'udp4';
  const socket = dgram.createSocket(family);
  const started = Date.now();
  const id = crypto.randomInt(0, 65536);
  // A zone with a TSIG key signs its NOTIFYs with it (RFC 8945), so a secondary can trust them.
  const packet = opts.key ? signMessage(notifyMessage(soa, id), opts.key).message : notifyMessage(soa, id);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      // Secondaries check where a NOTIFY comes from; send from our configured source.
      const source = opts.source && net.isIPv6(opts.source) === (family === 'udp6') ? opts.source : undefined;
      socket.bind(0, source, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    for (const timeout of opts.timeoutsMs ?? [1000, 2000, 4000]) {
      socket.send(packet, target.port, target.address);
      const reply = await waitForReply(socket, id, target, timeout);
      if (reply === 'timeout') continue;
      const ms = Date.now() - started;
      if (reply instanceof Error) return { target: label, outcome: 'error', detail: reply.message, ms };
      if (reply.rcode === RCODE.NOERROR) return { target: label, outcome: 'acknowledged', ms };
      return { target: label, outcome: reply.rcode === RCODE.REFUSED || reply.rcode === RCODE.NOTAUTH ? 'refused' : 'error', detail: rcodeName(reply.rcode), ms };
    }
    return { target: label, outcome: 'timeout', detail: 'no answer', ms: Date.now() - started };
  } catch (err) {
    return { target: label, outcome: 'error', detail: (err as Error).message, ms: Date.now() - started };
  } finally {
    socket.close();
  }
}

function waitForReply(socket: dgram.Socket, id: number, target: ListenAddress, timeoutMs: number): Promise<Message | Error | 'timeout'> {
  return new Promise((resolve) => {
    const done = (v: Message | Error | 'timeout') => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
      resolve(v);
    };
    const onError = (err: Error) => done(err);
    const onMessage = (buf: Buffer, rinfo: dgram.RemoteInfo) => {
      if (rinfo.port !== target.port) return;
      try {
        const m = decodeMessage(buf);
        if (m.id === id && m.qr && m.opcode === OPCODE.NOTIFY) done(m);
      } catch {
        // Not a well-formed reply to us; keep waiting.
      }
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('message', onMessage);
    socket.on('error', onError);
  });
}
