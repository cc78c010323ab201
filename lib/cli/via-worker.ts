// The CLI's short way: the DNS worker on this machine, which holds a warm
// Prisma client, runs the command (lib/worker/control-cli.ts) and this process
// prints what it sends back. A command then costs Node's start and one
// loopback request instead of Prisma's WebAssembly query compiler and a new
// database connection (bench/cli.sh). main.ts loads this module before
// commands.ts, and it imports nothing of Prisma: that is the saving.
//
// The worker runs a command only when it serves the same database (the
// request names it, without its password) and holds the same control secret
// (ZK_DATA_DIR), and only the small commands below; anything else runs in this
// process exactly as before, and so does every command when no worker takes
// it. A change is never run twice: once its request has gone, an unknown
// outcome is reported, not retried here.
import fs from 'node:fs';
import path from 'node:path';
import { databaseIdentity } from '../config/database-url';
import { dataDir } from '../config/env';
import { ControlUnavailableError, controlExchange } from '../control/client';
import type { WorkerCommandRequest, WorkerCommandResult } from '../control/protocol';
import { processOutput, type CommandOutput } from './output';

/** A read may run again in this process after an unknown outcome; a change may not. */
export type WorkerCommandKind = 'read' | 'change';

/**
 * What the worker may run: commands whose work is small whatever the size of
 * the database, on the worker's main thread (its reloads, transfers and TCP
 * answers run there too).
 * Not: anything that reads this process's files or stdin (`zone import`,
 * `user add`, `user password`), streams a zone of any size (`zone export`),
 * deletes one (`zone delete`), or asks the worker itself (`notify`, `zone
 * retrieve`); nor keys and users, rare enough that the saving does not matter.
 */
const WORKER_COMMANDS = new Map<string, WorkerCommandKind>([
  ['record add', 'change'],
  ['record delete', 'change'],
  ['zone create', 'change'],
  ['zone set', 'change'],
  ['zone status', 'read'],
  ['zone list', 'read'],
]);

/** `zone status --events N` beyond this reads a long history: the CLI reads it itself. */
export const WORKER_MAX_EVENTS = 1000;
/** `zone list` counts every zone's records: with more zones than this, the CLI reads them itself. */
export const WORKER_MAX_LISTED_ZONES = 1000;

/** How long the worker may take to read a command's request before the CLI runs it itself (the command not sent). */
const ACCEPT_MS = 500;
/** How long the CLI waits for the worker's answer once the command went (a change may wait its turn to write). */
const ANSWER_MS = 60_000;

/**
 * Whether the DNS worker may run `argv` for the CLI, and what kind of command
 * it is; null when the command runs in the CLI's process. The CLI asks
 * without `worker`; the worker asks again knowing its zones and mode (a
 * read-only worker writes nothing).
 */
export function workerMayRun(argv: readonly string[], worker?: { zones: number; readOnly: boolean }): WorkerCommandKind | null {
  const kind = WORKER_COMMANDS.get(`${argv[0]} ${argv[1]}`);
  if (!kind) return null;
  if (argv[1] === 'status' && eventsAsked(argv) > WORKER_MAX_EVENTS) return null;
  if (worker?.readOnly && kind === 'change') return null;
  if (argv[1] === 'list' && worker && worker.zones > WORKER_MAX_LISTED_ZONES) return null;
  return kind;
}

/** The N of `--events N` or `--events=N`; 0 when absent or not a number (the command then says what is wrong). */
function eventsAsked(argv: readonly string[]): number {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === '--events' ? argv[i + 1] : a.startsWith('--events=') ? a.slice('--events='.length) : undefined;
    if (value !== undefined) return Number(value) || 0;
  }
  return 0;
}

/**
 * Has the DNS worker run `argv` when it may and will: prints what it printed
 * and returns its exit status. Returns null when the command is to run in
 * this process: not one the worker runs, no worker answering, another
 * database or data folder, or the worker too slow to take the request.
 */
export async function runViaWorker(argv: string[], io: CommandOutput = processOutput()): Promise<number | null> {
  const kind = workerMayRun(argv);
  if (!kind) return null;
  // A worker of this data folder made the secret when it started: without one, none runs, and none is made here.
  if (!fs.existsSync(path.join(dataDir(), 'control-secret'))) return null;
  const request: WorkerCommandRequest = { argv, database: databaseIdentity() };
  let answer: { status: number; text: string };
  try {
    answer = await controlExchange('POST /cli', request, { acceptMs: ACCEPT_MS, timeoutMs: ANSWER_MS });
  } catch (err) {
    if (err instanceof ControlUnavailableError && err.delivered) return outcomeUnknown(err.message);
    // Not running, not taking requests, or no secret to send: the command never reached a worker.
    return null;
  }
  // Refused before any command ran: no secret or another (a worker of another ZK_DATA_DIR), or an older worker without the route.
  if (answer.status >= 400 && answer.status < 500) return null;
  const result = answer.status === 200 ? parseResult(answer.text) : null;
  if (result?.ran === false) return null;
  if (!result) return outcomeUnknown(`it answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  await io.stream([result.stdout]);
  io.err(result.stderr);
  return result.exitCode;

  function outcomeUnknown(reason: string): number | null {
    // Reading again changes nothing.
    if (kind === 'read') return null;
    io.err(
      `zonekeeper: the DNS worker took this command but gave no usable answer (${reason}), so it may or may not have ` +
        'been applied. It is not run again here: check with zonekeeper zone status ZONE, zonekeeper zone export ZONE ' +
        'or the zone’s changelog in the web app before repeating it.\n',
    );
    return 1;
  }
}

function parseResult(text: string): WorkerCommandResult | null {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof r !== 'object' || r === null) return null;
  const o = r as Record<string, unknown>;
  if (o.ran === false) return { ran: false, reason: String(o.reason ?? '') };
  const { exitCode, stdout, stderr } = o;
  if (o.ran !== true || typeof stdout !== 'string' || typeof stderr !== 'string' || !Number.isInteger(exitCode) || (exitCode as number) < 0 || (exitCode as number) > 255) {
    return null;
  }
  return { ran: true, exitCode: exitCode as number, stdout, stderr };
}
