// UDP listener: one socket per configured address, each datagram answered
// synchronously from memory.
//
// Nothing a datagram carries may throw out of the 'message' callback: there
// it would be an uncaught exception and take the whole worker down. The
// source address is the sender's to choose (spoofing included), so a source
// port of 0 — which dgram.send() rejects by throwing — gets no reply.
import dgram from 'node:dgram';
import net from 'node:net';
import type { ListenAddress } from '../config/env';
import { handleMessage, type HandlerContext } from './handler';

/**
 * We only ever send to the address a datagram came from, always an IP
 * literal. Node's default lookup defers even those to the next tick through
 * dns.lookup; answering synchronously takes that off the per-packet path
 * (../shared/notes/dns-performance.md).
 */
function literalLookup(address: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = net.isIP(address);
  if (family === 0) callback(Object.assign(new Error(`not an IP address: ${address}`), { code: 'EINVAL' }), address, 0);
  else callback(null, address, family);
}

export function listenUdp(ctx: HandlerContext, at: ListenAddress): Promise<dgram.Socket> {
  const v6 = net.isIPv6(at.address);
  const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, lookup: literalLookup });
  // One callback for every send, so the hot path allocates no closure. A failed send
  // (ENOBUFS under load, EPERM from a firewall, an unreachable peer) loses one answer,
  // which UDP clients retry; counting it is all there is to do.
  let sendFailures = 0;
  const afterSend = (err: Error | null): void => {
    if (err && ++sendFailures % 1000 === 1) ctx.log.warn({ err: err.message, sendFailures }, 'UDP send failed');
  };
  socket.on('message', (msg, rinfo) => {
    // Port 0 cannot be answered (and dgram.send throws on it); such a source is forged.
    if (rinfo.port === 0) return;
    let reply: Buffer | null;
    try {
      // rinfo already has { address, port }: pass it on rather than build a peer object per packet.
      reply = handleMessage(ctx, msg, 'udp', rinfo);
    } catch (err) {
      // handleMessage answers SERVFAIL for its own exceptions; this is a bug past that net.
      ctx.log.error({ peer: rinfo.address, err: (err as Error)?.stack ?? String(err) }, 'UDP answer failed; datagram dropped');
      return;
    }
    if (!reply) return;
    try {
      socket.send(reply, rinfo.port, rinfo.address, afterSend);
    } catch (err) {
      // Synchronous validation failures (a closed socket during stop, say).
      afterSend(err as Error);
    }
  });
  socket.on('error', (err) => ctx.log.error({ err: err.message }, 'UDP socket error'));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(at.port, at.address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
