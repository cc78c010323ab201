// The source address of a secondary zone's traffic to its primaries: SOA
// checks, transfers and autoprimary NS questions (ZK_TRANSFER_SOURCE, like
// BIND's transfer-source), so that a primary's allow-transfer list can name
// one address of a machine that has several. The prober's checks of our own
// secondaries are not this traffic and leave the choice to the kernel.
import net from 'node:net';
import type { ListenAddress, TransferSource } from '../../config/env';

/** The address a socket to `to` binds: the configured one of its family, or undefined for the kernel's choice. */
export function sourceFor(to: ListenAddress, source: TransferSource | undefined): string | undefined {
  return net.isIPv6(to.address) ? source?.ipv6 : source?.ipv4;
}

/**
 * What to say when a socket bound to `from` fails because of that address (no
 * interface of this machine has it): the setting to fix. Null for any other failure.
 */
export function sourceFailure(err: NodeJS.ErrnoException, from: string | undefined): string | null {
  if (!from || err.code !== 'EADDRNOTAVAIL') return null;
  return `cannot send from ${from}, ZK_TRANSFER_SOURCE: no interface of this machine has that address`;
}
