// Who is asking, by address: the one place that decides it for the web app.
// The web server (lib/start/web-server.ts) resolves the address of every
// request from its socket, believing X-Forwarded-For only from the reverse
// proxies in ZK_TRUSTED_PROXIES, and hands it to the app in a header of ours
// that a client cannot set. Login throttling, session records and anything
// else that needs the client's address reads that header.
import { addressAllowed, canonicalIp } from '../dns/address';

/** Set by the web server on every request, after removing whatever the client sent under that name. */
export const CLIENT_ADDRESS_HEADER = 'x-zk-client-address';

/**
 * Headers through which a client could claim another address, host or
 * scheme. The web server drops them from requests that did not come through
 * a trusted proxy, and Next then fills its own x-forwarded-* from the socket.
 */
export const FORWARDING_HEADERS = [
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
  CLIENT_ADDRESS_HEADER,
] as const;

export interface ResolvedClient {
  address: string;
  /** The request came from a trusted proxy, so its forwarding headers stand. */
  viaProxy: boolean;
}

/**
 * The client's address for a request whose socket peer is `peer`. Only when
 * the peer is a trusted proxy is X-Forwarded-For read, from the right (the
 * entry the nearest proxy appended) leftwards past further trusted proxies;
 * the first address that is not a trusted proxy is the client. Entries left
 * of it were written by the client and prove nothing.
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: readonly string[]): ResolvedClient {
  const socketAddress = (peer && canonicalIp(peer)) || 'unknown';
  if (trusted.length === 0 || !addressAllowed(socketAddress, trusted)) return { address: socketAddress, viaProxy: false };
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let client = socketAddress;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = canonicalIp(chain[i]!);
    // A malformed entry ends the chain we can believe: the last good hop is the client.
    if (!hop) break;
    client = hop;
    if (!addressAllowed(hop, trusted)) break;
  }
  return { address: client, viaProxy: true };
}

/** The client's address as the web server resolved it; "unknown" when the app runs without it (next dev). */
export function clientAddress(headers: Pick<Headers, 'get'>): string {
  const value = headers.get(CLIENT_ADDRESS_HEADER)?.trim();
  return value ? value.slice(0, 64) : 'unknown';
}
