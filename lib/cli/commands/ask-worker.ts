// Commands whose work only the DNS worker can do (send NOTIFY, transfer a
// zone) ask it over the control channel (lib/worker/control-client.ts).
import { ControlUnavailableError, controlRequest } from '../../worker/control-client';
import { ZoneError } from '../../zones/errors';

/** POSTs `{ zone }` to the worker's control channel; when no worker answers, says what it would have done and how to start it. */
export async function askWorker<T>(path: string, zone: string, timeoutMs: number, whoDoesIt: string): Promise<T> {
  try {
    return await controlRequest<T>('POST', path, { zone }, timeoutMs);
  } catch (err) {
    if (err instanceof ControlUnavailableError) {
      throw new ZoneError('not-found', `${err.message}. ${whoDoesIt}: start it with npm start or npm run worker.`);
    }
    throw err;
  }
}
