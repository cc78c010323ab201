// Commands whose work only the DNS worker can do (send NOTIFY, transfer a
// zone) ask it over the control channel (lib/control/client.ts).
import { ControlUnavailableError, controlRequest } from '../../control/client';
import type { ControlReply, ControlRoute } from '../../control/protocol';
import { AppError } from '../../errors';

/** POSTs `{ zone }` to the worker's control channel; when no worker answers, says what it would have done and how to start it. */
export async function askWorker<R extends Extract<ControlRoute, 'POST /notify' | 'POST /retrieve'>>(route: R, zone: string, timeoutMs: number, whoDoesIt: string): Promise<ControlReply<R>> {
  try {
    return await controlRequest(route, { zone }, timeoutMs);
  } catch (err) {
    if (err instanceof ControlUnavailableError) {
      throw new AppError('not-found', `${err.message}. ${whoDoesIt}: start it with npm start or npm run worker.`);
    }
    throw err;
  }
}
