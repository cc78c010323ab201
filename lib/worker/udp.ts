// UDP listener: one socket per configured address, each datagram answered
// synchronously from memory.
//
// Nothing a datagram carries may throw out of the receive callback: there it
// would be an uncaught exception and take the whole worker down. The source
// address is the sender's to choose (spoofing included), so a source port of
// 0 — which cannot be answered — gets no reply.
//
// Datagrams take the direct path of udp-direct.ts where this Node allows it,
// else dgram's 'message' event; both answer through respond() below, which
// passes every reply through response rate limiting (rrl.ts) when it is on.
import dgram from 'node:dgram';
import net from 'node:net';
import util from 'node:util';
import type { ListenAddress } from '../config/env';
import { OPCODE } from '../dns/wire';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import type { ResponseRateLimiter } from './rrl';
import { attachDirectPath, type Peer } from './udp-direct';

/**
 * We only ever send to the address a datagram came from, always an IP
 * literal. Node's default lookup defers even those to the next tick through
 * dns.lookup; answering synchronously takes that off the per-packet path
 * (docs/architecture.md, "Measured costs").
 */
function literalLookup(address: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = net.isIP(address);
  if (family === 0) callback(Object.assign(new Error(`not an IP address: ${address}`), { code: 'EINVAL' }), address, 0);
  else callback(null, address, family);
}

export interface UdpOptions {
  /** Use dgram's public path even where the direct one is available (tests of both). */
  publicPathOnly?: boolean;
  /**
   * Where NOTIFY and UPDATE requests go instead of the answer path: an answer
   * thread hands them to the main thread (answer-thread.ts), whose secondary
   * engine and change service act on them and answer on `socket` (worker.ts).
   */
  elsewhere?: (msg: Buffer, peer: Peer, socket: dgram.Socket) => void;
  /** Response rate limiting; absent when it is off. */
  rrl?: ResponseRateLimiter | null;
  /**
   * Answer on this already bound socket (another thread's, whose address is `at`) instead
   * of binding one: the kernel hands each datagram to whichever thread reads first.
   */
  fd?: number;
}

/** QR clear and opcode NOTIFY or UPDATE, read from the header's third byte. */
const answeredElsewhere = (msg: Buffer): boolean => msg.length >= 12 && ((msg[2]! & 0xf8) === OPCODE.NOTIFY << 3 || (msg[2]! & 0xf8) === OPCODE.UPDATE << 3);

export function listenUdp(ctx: HandlerContext, at: ListenAddress, opts: UdpOptions = {}): Promise<dgram.Socket> {
  const v6 = net.isIPv6(at.address);
  const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, lookup: literalLookup });
  // A failed send (ENOBUFS under load, EPERM from a firewall, an unreachable peer) loses
  // one answer, which UDP clients retry; counting it is all there is to do.
  const rrl = opts.rrl ?? null;
  let sendFailures = 0;
  const sendFailed = (why: string): void => {
    if (++sendFailures % 1000 === 1) ctx.log.warn({ err: why, sendFailures }, 'UDP send failed');
  };
  const respond = (msg: Buffer, peer: Peer): Buffer | null => {
    if (peer.port === 0) return null;
    if (opts.elsewhere && answeredElsewhere(msg)) {
      opts.elsewhere(msg, peer, socket);
      return null;
    }
    try {
      // The peer object Node made for the datagram is passed on, not copied.
      const reply = handleMessage(ctx, msg, 'udp', peer);
      return reply && rrl ? rrl.limit(peer.address, reply) : reply;
    } catch (err) {
      // handleMessage answers SERVFAIL for its own exceptions; this is a bug past that net.
      ctx.log.error({ peer: peer.address, err: (err as Error)?.stack ?? String(err) }, 'UDP answer failed; datagram dropped');
      return null;
    }
  };
  socket.on('error', (err) => ctx.log.error({ err: err.message }, 'UDP socket error'));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    const bound = () => {
      socket.off('error', reject);
      const direct = !opts.publicPathOnly && attachDirectPath(socket, v6, respond, (errno) => sendFailed(util.getSystemErrorName(errno)));
      if (!direct) {
        // One callback for every send, so the hot path allocates no closure.
        const afterSend = (err: Error | null): void => {
          if (err) sendFailed(err.message);
        };
        socket.on('message', (msg, rinfo) => {
          const reply = respond(msg, rinfo);
          if (!reply) return;
          try {
            socket.send(reply, rinfo.port, rinfo.address, afterSend);
          } catch (err) {
            // Synchronous validation failures (a closed socket during stop, say).
            afterSend(err as Error);
          }
        });
      }
      resolve(socket);
    };
    if (opts.fd === undefined) socket.bind(at.port, at.address, bound);
    else socket.bind({ fd: opts.fd }, bound);
  });
}
