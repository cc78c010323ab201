// Autoprimaries (PowerDNS calls them supermasters): primaries trusted to
// create secondary zones here. A NOTIFY from `ip` for a zone we do not have
// creates it when the NS set `ip` serves for the zone names `nameserver`
// (lib/worker/secondary/autoprimary.ts). Managed from the CLI:
// `zonekeeper autoprimary add IP[:PORT] NAMESERVER [--account TEXT]`.
import { isUniqueViolation } from '../db-errors';
import { db, writeTransaction } from '../db';
import { AddressError, formatHostPort, parseAddressPort } from '../dns/address';
import { absoluteName, DnsNameError } from '../dns/names';
import { AppError } from '../errors';
import { nudgeWorker } from './nudge';
import { markChanged } from './zone-changes';

export interface AutoprimaryInfo {
  ip: string;
  /** Where the NS question and the transfers go; the NOTIFY itself may come from any port. */
  port: number;
  nameserver: string;
  account: string;
  createdAt: Date;
}

/** `192.0.2.1`, `192.0.2.1:5300`, `[2001:db8::1]:53` → canonical ip and port (53 by default). */
function parseIpPort(text: string): { ip: string; port: number } {
  try {
    const { address, port } = parseAddressPort(text, 53);
    return { ip: address, port };
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    throw new AppError('invalid', `autoprimary: ${err.message}`, { ip: [err.message] });
  }
}

function parseNameserver(text: string): string {
  try {
    return absoluteName(text.trim());
  } catch (err) {
    if (err instanceof DnsNameError) throw new AppError('invalid', `"${text}" is not a host name: ${err.message}`, { nameserver: [err.message] });
    throw err;
  }
}

export async function addAutoprimary(ipInput: string, nameserverInput: string, account = ''): Promise<AutoprimaryInfo> {
  const { ip, port } = parseIpPort(ipInput);
  const nameserver = parseNameserver(nameserverInput);
  try {
    const row = await writeTransaction(async (tx) => {
      const created = await tx.autoprimary.create({ data: { ip, port, nameserver, account: account.trim() } });
      await markChanged(tx);
      return created;
    });
    await nudgeWorker('');
    return { ip: row.ip, port: row.port, nameserver: row.nameserver, account: row.account, createdAt: row.createdAt };
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('exists', `${ip} is already an autoprimary for nameserver ${nameserver}`);
    }
    throw err;
  }
}

export async function listAutoprimaries(): Promise<AutoprimaryInfo[]> {
  const rows = await db().autoprimary.findMany({ orderBy: [{ ip: 'asc' }, { nameserver: 'asc' }] });
  return rows.map((r) => ({ ip: r.ip, port: r.port, nameserver: r.nameserver, account: r.account, createdAt: r.createdAt }));
}

/** Removes the autoprimary `IP NAMESERVER`; zones it created stay (they are ordinary secondary zones). */
export async function deleteAutoprimary(ipInput: string, nameserverInput: string): Promise<void> {
  const { ip } = parseIpPort(ipInput);
  const nameserver = parseNameserver(nameserverInput);
  const count = await writeTransaction(async (tx) => {
    const deleted = await tx.autoprimary.deleteMany({ where: { ip, nameserver } });
    if (deleted.count > 0) await markChanged(tx);
    return deleted.count;
  });
  if (count === 0) throw new AppError('not-found', `there is no autoprimary ${ip} for nameserver ${nameserver}; see: zonekeeper autoprimary list`);
  await nudgeWorker('');
}

export function formatAutoprimary(a: Pick<AutoprimaryInfo, 'ip' | 'port'>): string {
  return formatHostPort({ address: a.ip, port: a.port });
}
