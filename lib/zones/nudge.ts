// After a commit, tell the workers to reload now rather than at their next
// poll: the local worker over the loopback control channel, and on PostgreSQL
// every worker on the database (NOTIFY, heard by each worker's LISTEN; on
// MySQL/MariaDB the workers see the commit's ZoneChange row by themselves).
// Best effort: if a worker is down nothing is lost, because it reloads changed
// zones and reads pending NOTIFY jobs when it starts and when it polls.
import { announceChange } from '../db';
import { controlRequest } from '../control/client';

export async function nudgeWorker(zoneName: string): Promise<void> {
  await Promise.all([
    announceChange(zoneName).catch(() => {
      // The workers' one-second poll picks the change up.
    }),
    controlRequest('POST /reload', { zone: zoneName }, 500).catch(() => {
      // Likewise.
    }),
  ]);
}
