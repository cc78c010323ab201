// `zonekeeper replication doctor [ZONE] [--probe] [--json] [--as USER]`: why
// each secondary that is not in sync is not, and what to change
// (lib/replication/doctor.ts). Without ZONE, every zone with a problem. Exit
// status 0 when all are healthy, 1 when something is wrong: for cron and
// monitoring. --probe asks the DNS worker to probe the secondaries first.
import { ControlUnavailableError, controlRequest } from '../../control/client';
import { AppError } from '../../errors';
import type { ZoneDiagnosis } from '../../replication/doctor';
import { parseArgs } from '../args';
import type { CommandOutput } from '../output';
import { actingUser } from './acting-user';
import { existingZone } from './zone-lookup';

export async function replicationDoctorCommand(args: string[], io: CommandOutput): Promise<void> {
  const p = parseArgs(args, ['as'], ['json', 'probe']);
  const who = await actingUser(p.options.get('as')?.[0]);
  const { diagnoseProblemZones, diagnoseZones } = await import('../../replication/doctor-data');
  const zoneArg = p.positionals[0];
  let diagnoses: ZoneDiagnosis[];
  const notes: string[] = [];
  if (zoneArg !== undefined) {
    const z = await existingZone(zoneArg);
    if (who) {
      const { zoneRightsById } = await import('../../auth/zone-access');
      // A zone the user may not read is one they cannot see: answer as for any unknown zone.
      if (!(await zoneRightsById(who, z.id)).read) throw new AppError('not-found', `There is no zone ${z.name}. See: zonekeeper zone list`);
    }
    if (z.kind !== 'primary') throw new AppError('invalid', `${z.name} is a secondary zone here; see its refresh state with: zonekeeper zone status ${z.name}`);
    if (p.flags.has('probe')) notes.push(...(await probeNow([z.name])));
    diagnoses = await diagnoseZones([z.id]);
  } else {
    diagnoses = await diagnoseProblemZones({ visibleTo: who ?? undefined });
    // A fresh look at the zones with problems only: probing every zone is the sweep's work.
    if (p.flags.has('probe') && diagnoses.length) {
      notes.push(...(await probeNow(diagnoses.map((d) => d.zone))));
      diagnoses = await diagnoseProblemZones({ visibleTo: who ?? undefined });
    }
  }
  const wrong = diagnoses.some((d) => !d.healthy);
  if (wrong) io.exitCode = 1;
  if (p.flags.has('json')) {
    io.out(JSON.stringify({ healthy: !wrong, notes, zones: diagnoses }, null, 2));
    return;
  }
  for (const n of notes) io.out(n);
  if (diagnoses.length === 0) return io.out(zoneArg ? 'No secondaries probed yet.' : 'Every secondary is in sync (or a change is on its way).');
  for (const d of diagnoses) printZone(d, io);
}

function printZone(d: ZoneDiagnosis, io: CommandOutput): void {
  const problems = d.secondaries.filter((s) => !s.healthy).length;
  io.out(`${d.zone}  serial ${d.serial}  ${problems ? `${problems} of ${d.secondaries.length} secondaries need attention` : 'healthy'}`);
  if (d.secondaries.length === 0) io.out('  No secondaries probed yet.');
  for (const s of d.secondaries) {
    io.out(`  ${s.target}  ${s.healthy ? 'ok' : 'PROBLEM'}  ${s.cause}: ${s.summary}`);
    if (s.healthy) continue;
    for (const f of s.evidence) io.out(`    - ${f.at ? `${f.at.toISOString()} ` : ''}${f.text}`);
    for (const f of s.fix) io.out(`    fix: ${f}`);
  }
}

/** Asks the worker to probe each zone now; when none runs, says the diagnosis uses the last probes. */
async function probeNow(zones: string[]): Promise<string[]> {
  try {
    for (const zone of zones) await controlRequest('POST /probe', { zone }, 30_000);
    return [];
  } catch (err) {
    if (!(err instanceof ControlUnavailableError)) throw err;
    return [`(no fresh probe: ${err.message}; this diagnosis uses the worker's last probes. Start it with npm start or npm run worker.)`];
  }
}
