// After a commit, tell the worker to reload now rather than at its next poll.
// Best effort: if the worker is down nothing is lost, because it reloads
// changed zones and reads pending NOTIFY jobs when it starts and when it polls.
import { controlRequest } from '../worker/control-client';

export async function nudgeWorker(zoneName: string): Promise<void> {
  try {
    await controlRequest('POST', '/reload', { zone: zoneName }, 500);
  } catch {
    // The worker's one-second poll picks the change up.
  }
}
