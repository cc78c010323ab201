// The `zonekeeper` commands' dispatcher (main.ts loads this module for any
// command but `--help`; the DNS worker loads it to run a command for the
// CLI, lib/worker/control-cli.ts). Each command group lives in its own file
// under lib/cli/commands/ and is imported when a command of it runs, so a
// command loads only its own group. Every write goes through the change
// service (lib/zones), exactly as the web app's do. Errors go to stderr with
// exit status 1 and say what to fix. A command writes through a
// CommandOutput (output.ts): the process's stdout and stderr here, buffers
// when the DNS worker runs it for the CLI.
import { databaseProvider } from '../config/database-url';
import { controlPort } from '../config/env';
import { databaseFailure } from '../db-errors';
import { closeDatabase, migrateDatabase } from '../setup/database';
import { ControlUnavailableError, controlRequest } from '../control/client';
import { AppError } from '../errors';
import { UsageError } from './args';
import { processOutput, type CommandOutput } from './output';
import { USAGE } from './usage';

type Command = (args: string[], io: CommandOutput) => Promise<void>;

/** Each command group, imported when one of its commands runs. */
const GROUPS: Record<string, () => Promise<Command>> = {
  zone: async () => (await import('./commands/zone')).zoneCommand,
  record: async () => (await import('./commands/record')).recordCommand,
  notify: async () => (await import('./commands/notify')).notifyCommand,
  user: async () => (await import('./commands/user')).userCommand,
  tsig: async () => (await import('./commands/tsig')).tsigCommand,
  apikey: async () => (await import('./commands/apikey')).apikeyCommand,
  autoprimary: async () => (await import('./commands/autoprimary')).autoprimaryCommand,
  catalog: async () => (await import('./commands/catalog')).catalogCommand,
  request: async () => (await import('./commands/request')).requestCommand,
  replication: async () => {
    const { replicationCommand } = await import('./commands/replication');
    // `replication doctor …` is the doctor; any other word a zone name.
    return async (args, io) => (args[0] === 'doctor' ? (await import('./commands/replication-doctor')).replicationDoctorCommand(args.slice(1), io) : replicationCommand(args[0], io.out));
  },
};

/** Commands whose change the DNS worker serves (records, zones, keys, autoprimaries). */
const SERVED_CHANGES: Record<string, readonly string[]> = {
  zone: ['create', 'delete', 'import', 'set', 'sign', 'unsign', 'rollover'],
  record: ['add', 'delete'],
  tsig: ['add', 'delete'],
  autoprimary: ['add', 'delete'],
  catalog: ['create'],
  request: ['approve'],
};

/**
 * After a change, says so when the worker on this machine is not running: the
 * change is stored, and served when the worker starts (on PostgreSQL, workers
 * on other machines serve it now). A worker that is merely slow to answer is
 * not reported: it reloads the change on its own.
 */
async function noteIfWorkerDown(io: CommandOutput): Promise<void> {
  try {
    await controlRequest('GET /health', undefined, 2000);
  } catch (err) {
    if (!(err instanceof ControlUnavailableError && err.notRunning)) return;
    const elsewhere = databaseProvider() === 'postgresql' ? '; DNS workers on other machines of this database serve it already' : '';
    io.out(
      `Stored. The DNS worker on this machine is not running (nothing answers on 127.0.0.1:${controlPort()}), ` +
        `so it serves this change when it starts (npm start, or npm run worker)${elsewhere}.`,
    );
  }
}

/**
 * Runs one command in this process, as bin/zonekeeper.mjs does when the DNS
 * worker does not run it (`argv` without `--help`, which main.ts answers):
 * migrates the database first and closes the client after. Returns the exit
 * status.
 */
export async function runCommand(argv: string[], io: CommandOutput = processOutput()): Promise<number> {
  try {
    return await execute(argv, io, 'cli');
  } finally {
    await closeDatabase();
  }
}

/**
 * Runs one command for the CLI inside the DNS worker (lib/worker/control-cli.ts),
 * as the same operator (ACTOR) it is in the CLI's own process. The worker
 * migrated the database when it started and its client stays open.
 */
export function runCommandInWorker(argv: string[], io: CommandOutput): Promise<number> {
  return execute(argv, io, 'worker');
}

async function execute(argv: string[], io: CommandOutput, where: 'cli' | 'worker'): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (where === 'cli') {
      const { secured } = await migrateDatabase();
      for (const line of secured) io.err(`zonekeeper: made private (was readable by other users): ${line}\n`);
    }
    const group = cmd !== undefined && Object.hasOwn(GROUPS, cmd) ? GROUPS[cmd] : undefined;
    if (!group) throw new UsageError(`unknown command "${cmd}"`);
    await (await group())(rest, io);
    // The worker that ran it serves it: there is nothing to note.
    if (where === 'cli' && SERVED_CHANGES[cmd]?.includes(rest[0] ?? '')) await noteIfWorkerDown(io);
    return io.exitCode;
  } catch (err) {
    reportFailure(err, io);
    return 1;
  }
}

/** What went wrong and what to fix, on stderr: never a stack but for a failure nobody foresaw. */
function reportFailure(err: unknown, io: CommandOutput): void {
  const database = databaseFailure(err);
  if (err instanceof UsageError) {
    io.err(`zonekeeper: ${err.message}\n\n${USAGE}\n`);
  } else if (err instanceof AppError) {
    io.err(`zonekeeper: ${err.message}\n`);
    for (const e of err.recordErrors) {
      const where = e.line !== undefined ? `line ${e.line}` : e.record ?? (e.index !== undefined ? `record ${e.index + 1}` : '');
      io.err(`  ${where}: ${e.message}\n`);
    }
    for (const [field, msgs] of Object.entries(err.fieldErrors)) {
      for (const m of msgs) if (!err.message.includes(m)) io.err(`  ${field}: ${m}\n`);
    }
  } else if (database) {
    // A full disk or a database held by another writer: what happened and what to do, not a stack.
    io.err(`zonekeeper: ${database.message}\n`);
  } else {
    io.err(`zonekeeper: unexpected failure: ${(err as Error).stack ?? err}\n`);
  }
}
