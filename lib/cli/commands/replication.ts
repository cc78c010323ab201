// `zonekeeper replication [ZONE]`: the replication dashboard in a terminal.
// Without a zone, one line per primary zone, then the secondary zones we
// transfer in (lib/replication/incoming.ts); with one, each secondary's
// address, serial and state, and how the latest changes reached them.
import { getZoneReplication, listReplication, propagationTimeline, type ZoneReplication } from '../../replication/data';
import { INCOMING_STATES, listIncomingZones, type IncomingZones } from '../../replication/incoming';
import { absoluteName, DnsNameError } from '../../dns/names';
import { formatAgo } from '../../format/relative-time';
import { getZoneHeader } from '../../zones/data';
import { AppError } from '../../errors';
import { printTable } from '../output';

type Out = (line?: string) => void;

function summary(z: ZoneReplication): string {
  const n = z.secondaries.length;
  if (n === 0) return 'no secondaries probed yet';
  const inSync = z.secondaries.filter((s) => s.state === 'in sync').length;
  return `${inSync} of ${n} in sync`;
}

export async function replicationCommand(zoneArg: string | undefined, out: Out): Promise<void> {
  const now = new Date();
  if (!zoneArg) {
    const [zones, incoming] = await Promise.all([listReplication({ now }), listIncomingZones({ now })]);
    if (zones.length === 0 && incoming.total === 0) return out('No zones.');
    if (zones.length) printTable([['ZONE', 'SERIAL', 'STATE', 'SECONDARIES'], ...zones.map((z) => [z.zone, String(z.serial), z.state, summary(z)])], out);
    if (incoming.total) printIncoming(incoming, now, zones.length > 0, out);
    return;
  }
  let name: string;
  try {
    name = absoluteName(zoneArg);
  } catch (err) {
    // What is not a name is no zone here either: answer as for any unknown zone.
    if (err instanceof DnsNameError) throw new AppError('not-found', `There is no zone ${zoneArg}.`);
    throw err;
  }
  const zone = await getZoneHeader(name);
  if (!zone) throw new AppError('not-found', `There is no zone ${name}.`);
  if (zone.kind !== 'primary') {
    throw new AppError('invalid', `${name} is a secondary zone here; see its refresh state with: zonekeeper zone status ${name}`);
  }
  const z = (await getZoneReplication(zone.id, { now }))!;
  out(`${z.zone}  serial ${z.serial}  ${z.state}  (last change ${formatAgo(z.lastChangeAt, now)})`);
  if (z.secondaries.length === 0) {
    out('No secondaries probed yet. Secondaries are the zone\'s NS hosts (except the SOA primary) and its also-notify list;');
    out('the worker probes them after each NOTIFY and in a slow sweep over every zone (ZK_PROBE_INTERVAL, ZK_PROBE_RATE).');
    return;
  }
  out();
  printTable(
    [
      ['SECONDARY', 'SERIAL', 'STATE', 'LAST ANSWER', 'LAST PROBE'],
      ...z.secondaries.map((s) => [
        s.target,
        s.serial === null ? '-' : String(s.serial),
        s.state,
        s.lastOkAt ? `${formatAgo(s.lastOkAt, now)}${s.rttMs !== null && s.probe === 'ok' ? ` (${s.rttMs} ms)` : ''}` : 'never',
        s.probe === 'ok' ? formatAgo(s.checkedAt, now) : `${formatAgo(s.checkedAt, now)}: ${s.error ?? s.probe}`,
      ]),
    ],
    out,
  );
  const [latest] = await propagationTimeline(zone.id, 1);
  if (latest) {
    out();
    const when = latest.allLiveAfterMs !== null ? ` after ${(latest.allLiveAfterMs / 1000).toFixed(1)} s` : '';
    out(`Latest change: serial ${latest.serial} by ${latest.actor} ${formatAgo(latest.at, now)}: live on ${latest.live} of ${latest.targets.length} secondaries${when}`);
  }
}

/** The zones we are secondary for: counts per state, then the first of them worst first. */
function printIncoming(incoming: IncomingZones, now: Date, after: boolean, out: Out): void {
  if (after) out();
  out(`Secondary zones (transferred from their primaries): ${INCOMING_STATES.filter((s) => incoming.counts[s]).map((s) => `${incoming.counts[s]} ${s}`).join(', ')}`);
  printTable(
    [
      ['ZONE', 'SERIAL', 'STATE', 'PRIMARIES', 'CATALOG', 'LAST REFRESH'],
      ...incoming.zones.map((z) => [
        z.name,
        String(z.serial),
        z.state,
        z.primaries.join(',') || '-',
        z.catalog ?? '-',
        `${z.lastRefreshAt ? formatAgo(z.lastRefreshAt, now) : 'never'}${z.lastError ? `: ${z.lastError}` : ''}`,
      ]),
    ],
    out,
  );
  if (incoming.total > incoming.zones.length) out(`(the first ${incoming.zones.length} of ${incoming.total}, worst first)`);
}
