// A NOTIFY from an autoprimary for a zone we do not have (PowerDNS's
// "supermaster" check): ask that autoprimary for the zone's NS set; when the
// set names the nameserver registered with it, create the zone as a
// secondary of that autoprimary. The engine then transfers it at once.
import type { TransferSource } from '../../config/env';
import { formatHostPort } from '../../dns/address';
import { lowercased } from '../../dns/wire';
import { AppError } from '../../errors';
import { createZone } from '../../zones/zone-lifecycle';
import type { Logger } from '../logger';
import { queryPrimary } from './query-primary';

export interface AutoprimaryEntry {
  ip: string;
  port: number;
  nameserver: string;
  account: string;
}

export type AutoprimaryDecision =
  | { created: true; primary: string; nameserver: string; detail: string }
  | { created: false; outcome: 'refused' | 'error' | 'exists'; detail: string };

export interface AutoprimaryDeps {
  log: Logger;
  queryTimeoutsMs?: number[];
  signal?: AbortSignal;
  /** Where the NS question is sent from (ZK_TRANSFER_SOURCE), as the transfers that follow. */
  source?: TransferSource;
}

/**
 * Decides for `zone` (canonical) announced by `entries` (the autoprimary rows
 * of the NOTIFY's source address; several when it serves several of our
 * nameserver names or ports) and creates the zone when one matches.
 */
export async function adoptZone(zone: string, entries: readonly AutoprimaryEntry[], deps: AutoprimaryDeps): Promise<AutoprimaryDecision> {
  const reasons: string[] = [];
  // One NS question per distinct ip:port.
  const byPeer = new Map<string, AutoprimaryEntry[]>();
  for (const e of entries) {
    const k = formatHostPort({ address: e.ip, port: e.port });
    byPeer.set(k, [...(byPeer.get(k) ?? []), e]);
  }
  for (const group of byPeer.values()) {
    const to = { address: group[0]!.ip, port: group[0]!.port };
    const peer = formatHostPort(to);
    let names: Set<string>;
    try {
      const m = await queryPrimary(to, zone, 'NS', { timeoutsMs: deps.queryTimeoutsMs, signal: deps.signal, source: deps.source });
      if (!m.aa) throw new Error(`not authoritative for ${zone}`);
      names = new Set(m.answers.filter((r) => r.type === 'NS' && lowercased(r.name) === zone).map((r) => lowercased(String(r.data))));
    } catch (err) {
      reasons.push(`NS question to ${peer}: ${(err as Error).message}`);
      continue;
    }
    const match = group.find((e) => names.has(e.nameserver));
    if (!match) {
      reasons.push(`the NS set ${peer} serves for ${zone} (${[...names].join(', ') || 'empty'}) does not name ${group.map((e) => e.nameserver).join(' or ')}`);
      continue;
    }
    try {
      // The change service holds an autoprimary to its rules again in the insert's transaction (lib/zones/creation-rules.ts).
      await createZone({ name: zone, kind: 'secondary', primaries: [peer] }, { name: `autoprimary ${match.ip}${match.account ? ` (${match.account})` : ''}`, autoprimary: true });
    } catch (err) {
      if (err instanceof AppError && err.code === 'exists') return { created: false, outcome: 'exists', detail: `${zone} was created meanwhile` };
      if (err instanceof AppError && err.code === 'forbidden') return { created: false, outcome: 'refused', detail: err.message };
      return { created: false, outcome: 'error', detail: `creating ${zone}: ${(err as Error).message}` };
    }
    const detail = `created from autoprimary ${peer}: its NS set names ${match.nameserver}${match.account ? `; account ${match.account}` : ''}`;
    deps.log.info({ zone, primary: peer, nameserver: match.nameserver }, 'secondary zone created from an autoprimary');
    return { created: true, primary: peer, nameserver: match.nameserver, detail };
  }
  return { created: false, outcome: reasons.some((r) => r.startsWith('NS question')) && reasons.every((r) => r.startsWith('NS question')) ? 'error' : 'refused', detail: reasons.join('; ') };
}
