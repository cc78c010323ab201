// `zonekeeper notify ZONE`: the DNS worker sends NOTIFY to every secondary
// now, and each result is printed.
import { UsageError } from '../args';
import type { CommandOutput } from '../output';
import { askWorker } from './ask-worker';
import { existingZone } from './zone-lookup';

export async function notifyCommand(args: string[], io: CommandOutput): Promise<void> {
  const zone = args[0];
  if (!zone) throw new UsageError('notify needs a ZONE');
  const z = await existingZone(zone);
  const report = await askWorker('POST /notify', z.name, 30_000, 'NOTIFY is sent by the DNS worker');
  if (report.results.length === 0) {
    io.out(`${report.zone} serial ${report.serial}: no secondaries to notify (add NS hosts with addresses in the zone, or zonekeeper zone set ${z.name} --also-notify ADDR[:PORT])`);
    return;
  }
  io.out(`${report.zone} serial ${report.serial}:`);
  for (const r of report.results) io.out(`  ${r.target.padEnd(24)} ${r.outcome}${r.detail ? ` (${r.detail})` : ''}${r.ms !== undefined ? ` ${r.ms} ms` : ''}`);
  if (report.results.some((r) => r.outcome !== 'acknowledged')) io.exitCode = 1;
}
