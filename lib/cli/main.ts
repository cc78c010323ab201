// The `zonekeeper` command line. bin/zonekeeper.mjs calls run() with the
// process's arguments; tests run many commands in one process the same way.
// This module holds only what `--help` needs: everything else (commands.ts,
// and with it Prisma and the change service) is loaded for the command that
// runs, so that the usage costs no more than Node's own start; a command the
// DNS worker runs (via-worker.ts) never loads Prisma at all.
import { loadDotEnv } from '../config/dotenv';
import { USAGE } from './usage';

loadDotEnv();

/** Whether `argv` asks only for the usage text: no command, `help`, `--help` or `-h`. */
export function isUsageRequest(argv: string[]): boolean {
  const [cmd] = argv;
  return !cmd || cmd === 'help' || cmd === '--help' || cmd === '-h';
}

export async function run(argv: string[]): Promise<number> {
  if (isUsageRequest(argv)) {
    process.stdout.write(`${USAGE}\n`);
    // Without a command it is a mistake; asked for, it is an answer.
    return argv[0] ? 0 : 1;
  }
  // The DNS worker runs what it may (via-worker.ts); everything else, and whatever it does not take, runs here.
  const viaWorker = await (await import('./via-worker')).runViaWorker(argv);
  if (viaWorker !== null) return viaWorker;
  const { runCommand } = await import('./commands');
  return runCommand(argv);
}
