// The direct UDP path: datagrams go from Node's UDP handle to our responder
// and back without dgram.Socket's per-packet JavaScript.
//
// dgram's public path costs about 2 µs per query on these machines on top of
// the kernel's receive and send (docs/architecture.md, "Measured costs"): an
// 'message' event, argument juggling, an address lookup with a closure, an
// async-id scope and a new native SendWrap for every reply. Node calls the
// handle's `onmessage` for each datagram and its `send` tries a synchronous
// sendmsg first, so we take both over once the socket is bound, and reuse one
// SendWrap for as long as sends complete synchronously.
//
// These are Node's internals (the socket's state symbol, the udp_wrap
// binding). Everything is checked before it is used; when anything differs
// (another Node version), attachDirectPath returns false and the caller keeps
// dgram's public path, which answers the same way, only slower.
import type dgram from 'node:dgram';

export interface Peer {
  address: string;
  port: number;
}

/** Returns the reply to send to the datagram's source, or null for none. Must not throw. */
export type Responder = (msg: Buffer, peer: Peer) => Buffer | null;

interface UdpHandle {
  onmessage: unknown;
  send(req: object, list: Buffer[], count: number, port: number, address: string, hasCallback: boolean): number;
  send6(req: object, list: Buffer[], count: number, port: number, address: string, hasCallback: boolean): number;
}

type SendWrapClass = new () => { list?: Buffer[] };

function sendWrapClass(): SendWrapClass | null {
  try {
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding('udp_wrap');
    return typeof binding.SendWrap === 'function' ? (binding.SendWrap as SendWrapClass) : null;
  } catch {
    return null;
  }
}

/** Node's UDP handle behind a bound socket, when it has the shape this module relies on. */
export function udpHandleOf(socket: dgram.Socket): UdpHandle | null {
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const state = sym ? (socket as unknown as Record<symbol, { handle?: Partial<UdpHandle> } | undefined>)[sym] : undefined;
  const h = state?.handle;
  if (!h || typeof h.onmessage !== 'function' || typeof h.send !== 'function' || typeof h.send6 !== 'function') return null;
  return h as UdpHandle;
}

/** The file descriptor of a bound socket, for another thread to answer on (answer-threads.ts); null when unknown. */
export function udpFd(socket: dgram.Socket): number | null {
  const fd = (udpHandleOf(socket) as { fd?: unknown } | null)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/**
 * Takes a bound socket's datagrams over. `onSendError` gets the errno of a
 * failed send (negative, as libuv reports it). Returns false, changing
 * nothing, when this Node does not look the way this module expects.
 */
export function attachDirectPath(socket: dgram.Socket, v6: boolean, respond: Responder, onSendError: (errno: number) => void): boolean {
  const handle = udpHandleOf(socket);
  const SendWrap = sendWrapClass();
  if (!handle || !SendWrap) return false;
  const send = v6 ? handle.send6 : handle.send;
  // A SendWrap is only kept by Node while a send waits in libuv's queue (the socket
  // buffer was full): then its reply stays referenced from it and the next send gets a new one.
  let req = new SendWrap();
  const list: Buffer[] = [Buffer.alloc(0)];
  handle.onmessage = (nread: number, _handle: unknown, msg: Buffer, peer: Peer): void => {
    // A receive error (nread < 0) concerns one datagram; the socket goes on. Port 0 is forged.
    if (nread < 0 || peer.port === 0) return;
    const reply = respond(msg, peer);
    if (!reply) return;
    list[0] = reply;
    const r = send.call(handle, req, list, 1, peer.port, peer.address, false);
    if (r >= 1) return; // sent synchronously: req and list are free again
    if (r < 0) {
      onSendError(r);
      return;
    }
    // Queued: that request now owns this reply until libuv has sent it.
    req.list = [reply];
    req = new SendWrap();
  };
  return true;
}
