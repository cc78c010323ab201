// /api/metrics in the Prometheus text format (version 0.0.4): per-zone serial,
// per-secondary serial and lag, and NOTIFY and transfer counters by outcome.
// The counters are counts of the recorded events, so they only grow.
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { listReplication, type ZoneReplication } from './data';
import type { ZoneEventKind } from './zone-events';

/** Label values escaped as the format requires: backslash, double quote, newline. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function metric(lines: string[], name: string, type: 'gauge' | 'counter', help: string, samples: [Record<string, string>, number][]): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${value}`);
  }
}

/** `visible`: only the zones it lets through (visibleZoneWhere); absent, every zone. */
export async function renderMetrics(opts: { visible?: Prisma.ZoneWhereInput } = {}): Promise<string> {
  const zones: ZoneReplication[] = await listReplication({ visible: opts.visible });
  const zoneFilter = opts.visible ? { zone: opts.visible } : {};
  const [notify, transfers] = await Promise.all([
    db().zoneEvent.groupBy({ by: ['outcome'], where: { kind: 'notify-out' satisfies ZoneEventKind, ...zoneFilter }, _count: { _all: true } }),
    db().zoneEvent.groupBy({ by: ['kind', 'outcome'], where: { kind: { in: ['axfr-out', 'ixfr-out', 'axfr-in', 'ixfr-in'] satisfies ZoneEventKind[] }, ...zoneFilter }, _count: { _all: true } }),
  ]);
  const lines: string[] = [];
  metric(lines, 'zonekeeper_zone_serial', 'gauge', 'SOA serial of each primary zone.', zones.map((z) => [{ zone: z.zone }, z.serial]));
  const per = zones.flatMap((z) => z.secondaries.map((s) => ({ z, s })));
  metric(lines, 'zonekeeper_secondary_serial', 'gauge', 'SOA serial a secondary served at its last successful probe.',
    per.filter(({ s }) => s.serial !== null).map(({ z, s }) => [{ zone: z.zone, secondary: s.target }, s.serial!]));
  metric(lines, 'zonekeeper_secondary_lag_serials', 'gauge', 'Changes a secondary is behind the primary (0: in sync).',
    per.filter(({ s }) => s.lagSerials !== null).map(({ z, s }) => [{ zone: z.zone, secondary: s.target }, s.lagSerials!]));
  metric(lines, 'zonekeeper_secondary_lag_seconds', 'gauge', 'Seconds since the oldest change a secondary does not serve was committed (0: in sync).',
    per.filter(({ s }) => s.lagSeconds !== null).map(({ z, s }) => [{ zone: z.zone, secondary: s.target }, s.lagSeconds!]));
  metric(lines, 'zonekeeper_secondary_up', 'gauge', 'Whether a secondary answered its last SOA probe for the zone authoritatively.',
    per.map(({ z, s }) => [{ zone: z.zone, secondary: s.target, state: s.state }, s.probe === 'ok' ? 1 : 0]));
  metric(lines, 'zonekeeper_notify_total', 'counter', 'NOTIFY messages sent, by outcome.', notify.map((n) => [{ outcome: n.outcome }, n._count._all]));
  metric(lines, 'zonekeeper_transfers_total', 'counter', 'Zone transfers served (-out) and received (-in), by kind and outcome.',
    transfers.map((t) => [{ kind: t.kind, outcome: t.outcome }, t._count._all]));
  return lines.join('\n') + '\n';
}
