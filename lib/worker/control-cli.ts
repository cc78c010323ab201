// `POST /cli` on the control channel: a `zonekeeper` command run by the worker
// for the CLI on this machine (lib/cli/via-worker.ts), with the worker's warm
// database client, its output captured and sent back. The control server has
// already checked the secret from ZK_DATA_DIR; this route runs a command only
// when the CLI uses the same database as the worker, and only one that
// workerMayRun allows. The command runs as it would in the CLI's own process:
// the same code (lib/cli/commands.ts), as the same operator. Nothing in the
// request can name another actor, and a request holding anything but the
// command and the database is not run.
import type { ControlHandler } from '../control/protocol';
import type { Logger } from './logger';
import { CapturedOutput } from '../cli/output';
import { databaseIdentity } from '../config/database-url';
import { workerMayRun } from '../cli/via-worker';

const REQUEST_KEYS = new Set(['argv', 'database']);

export function cliCommandRoute(worker: { readOnly: boolean; zones: () => number; log: Logger }): ControlHandler<'POST /cli'> {
  return async (body) => {
    const { argv, database } = body;
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string') || Object.keys(body).some((k) => !REQUEST_KEYS.has(k))) {
      return { ran: false, reason: 'the request holds more or other than { argv, database }' };
    }
    // The CLI then runs it on its own database, which this worker does not serve.
    if (database !== databaseIdentity()) return { ran: false, reason: 'this worker serves another database' };
    if (!workerMayRun(argv, { zones: worker.zones(), readOnly: worker.readOnly })) return { ran: false, reason: 'the CLI runs this command itself' };
    // Loaded with the first command: a worker that never runs one never loads the CLI's code.
    const { runCommandInWorker } = await import('../cli/commands');
    const io = new CapturedOutput();
    const started = performance.now();
    const exitCode = await runCommandInWorker(argv, io);
    worker.log.info({ command: argv.slice(0, 2).join(' '), exitCode, ms: Math.round(performance.now() - started) }, 'ran a CLI command');
    return { ran: true, exitCode, stdout: io.stdout, stderr: io.stderr };
  };
}
