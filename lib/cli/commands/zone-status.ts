// `zonekeeper zone status NAME [--events N]`: serial, primaries, TSIG key,
// the DNS UPDATE policy and DNSSEC keys (with the DS for the parent) of a primary zone, who made the latest change (a user, the CLI, an API key, a transfer), the
// refresh state of a secondary zone and the zone's latest events.
import { formatOffset } from '../../format/relative-time';
import { latestZoneEvents } from '../../replication/events';
import { getCatalogStatus, type CatalogStatus } from '../../zones/catalog-data';
import { memberStateText } from '../../zones/catalog-member-state';
import { getZoneRefreshStatus, latestChangeSummary } from '../../zones/data';
import { formatUpdateRule, readUpdatePolicy } from '../../zones/update-policy';
import { getSigningStatus } from '../../zones/dnssec-keys';
import { printTable, type CommandOutput } from '../output';
import { printSigning } from './dnssec';
import { existingZone } from './zone-lookup';

export async function statusCommand(name: string, eventCount: number, io: CommandOutput): Promise<void> {
  const z = await existingZone(name);
  const row = (await getZoneRefreshStatus(z.id))!;
  const when = (d: Date | null) => (d ? `${d.toISOString()} (${formatOffset(d)})` : 'never');
  // Values start in column 15, or a space after a longer label.
  const line = (label: string, value: string) => io.out(`${`${label}:`.padEnd(Math.max(14, label.length + 2))}${value}`);
  line('zone', z.name);
  line('kind', z.kind);
  line('serial', z.kind === 'secondary' && z.serial === 0 ? '0 (not transferred yet)' : String(z.serial));
  const last = await latestChangeSummary(z.id);
  const who = last?.request ? `${last.actor}, requested by ${last.request.requester} (request ${last.request.id})` : last?.actor;
  line('last change', last ? `serial ${last.newSerial} by ${who}, ${when(last.createdAt)}${last.comment ? `: ${last.comment}` : ''}` : 'none yet');
  if (z.kind === 'secondary') {
    line('primaries', z.primaries.join(', ') || 'none');
    line('tsig key', row.tsigKey ?? 'none');
    line('last check', row.lastCheckAt ? `${when(row.lastCheckAt)}, ${row.lastError ? `failed: ${row.lastError}` : 'ok'}` : 'never');
    line('last refresh', when(row.lastRefreshAt));
    line('next refresh', row.nextRefreshAt ? when(row.nextRefreshAt) : 'at once (when the worker runs)');
    const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
    line('expires', row.expiresAt ? `${when(row.expiresAt)}${expired ? ': EXPIRED, answering SERVFAIL until a refresh succeeds' : ''}` : 'not served yet');
    if (row.refreshFailures) line('failures', `${row.refreshFailures} in a row`);
  } else {
    line('tsig key', row.tsigKey ?? 'none');
    const rules = await readUpdatePolicy(z.name);
    if (rules.length === 0) line('update policy', 'none (every DNS UPDATE is refused)');
    rules.forEach((r, i) => (i === 0 ? line('update policy', formatUpdateRule(r, z.name)) : io.out(`${''.padEnd('update policy: '.length)}${formatUpdateRule(r, z.name)}`)));
    printSigning(z.name, await getSigningStatus(z.id), line, io);
  }
  printCatalog(await getCatalogStatus(z.id), line, io);
  const events = await latestZoneEvents(z.name, eventCount);
  if (eventCount === 0) return;
  io.out();
  if (events.length === 0) {
    io.out('No events yet.');
    return;
  }
  io.out(`Latest events (newest first, up to ${eventCount}):`);
  const rows = events.map((e) => [
    e.createdAt.toISOString(),
    e.kind,
    e.peer || '-',
    e.serial === null ? '-' : String(e.serial),
    e.outcome,
    e.records === null ? '-' : String(e.records),
    e.bytes === null ? '-' : String(e.bytes),
    e.durationMs === null ? '-' : `${e.durationMs} ms`,
    e.detail ?? '',
  ]);
  printTable([['TIME', 'KIND', 'PEER', 'SERIAL', 'OUTCOME', 'RECORDS', 'BYTES', 'TIME TAKEN', 'DETAIL'], ...rows], io.out, '  ');
}

/** A catalog's role and members, or the catalog a member belongs to. */
function printCatalog(c: CatalogStatus, line: (label: string, value: string) => void, io: CommandOutput): void {
  if (c.memberOf) {
    const how = c.memberOf.role === 'consumer' ? 'created by the catalog' : 'listed in the catalog';
    line('catalog', `${how} ${c.memberOf.name}${c.memberOf.group ? `, group ${c.memberOf.group}` : ''}`);
  }
  if (c.moving) line('moving', `from the catalog ${c.moving.from} to ${c.moving.to}: next, ${c.moving.next} at ${c.moving.at.toISOString()}`);
  if (!c.catalog) return;
  const { role, memberCount, members, memberPrimaries } = c.catalog;
  line(
    'catalog',
    role === 'producer'
      ? `ours (producer): lists ${memberCount} zone${memberCount === 1 ? '' : 's'}; its secondaries create and delete them by themselves`
      : `followed (consumer): ${memberCount} member zone${memberCount === 1 ? '' : 's'} created from it, transferred from ${memberPrimaries.join(', ') || 'the catalog’s primaries'}`,
  );
  if (members.length === 0) return;
  io.out();
  io.out(`Members${memberCount > members.length ? ` (the first ${members.length} of ${memberCount})` : ''}:`);
  const rows = members.map((m) => [
    m.name,
    m.group ?? '-',
    memberStateText(m),
  ]);
  printTable([['ZONE', 'GROUP', 'STATE'], ...rows], io.out, '  ');
}
