// Entry point of `npm run worker`: applies pending migrations, then serves
// DNS until SIGINT/SIGTERM. With ZK_DNS_PROCESSES above 1 (the default on a
// machine with several cores) this process supervises that many DNS processes
// (cluster.ts) and each of them comes back here with its role.
import { loadDotEnv } from '../config/dotenv';
import { migrateDatabase } from '../setup/database';
import { dnsProcesses, formatHostPort } from '../config/env';
import { dnsRole, superviseDnsProcesses } from './cluster';
import { log } from './logger';

loadDotEnv();
if (process.env.ZK_LOG_LEVEL) log.level = process.env.ZK_LOG_LEVEL;

/**
 * A graceful stop waits for running transfers, NOTIFYs and database writes;
 * past this it exits anyway. Whatever it leaves undone is either rolled back
 * by the database or found again at the next start (pending NOTIFY jobs,
 * refresh timers), and a stop must never hang, whatever hangs inside.
 */
const STOP_WITHIN_MS = 5000;

function stopOnSignals(what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `stopping ${what}`);
    setTimeout(() => {
      log.error({ signal, withinMs: STOP_WITHIN_MS }, `${what} did not stop in time; exiting without finishing`);
      process.exit(1);
    }, STOP_WITHIN_MS).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  const role = dnsRole();
  const processes = dnsProcesses();
  // The DNS code is imported only by the processes that serve: the supervisor stays small.
  if (role === 'sibling') {
    const { startSibling } = await import('./sibling');
    const sibling = await startSibling(log, processes);
    stopOnSignals('DNS sibling process', sibling.stop);
    return;
  }
  if (role === null) {
    const { secured } = await migrateDatabase();
    for (const line of secured) log.warn({ file: line }, 'made a private file private (it was readable by other users)');
    if (processes > 1) {
      superviseDnsProcesses(processes, log);
      return;
    }
  }
  const { startWorker } = await import('./worker');
  const { leaderLink } = await import('./cluster-link');
  const worker = await startWorker(role === 'leader' ? { siblings: leaderLink(log), processes } : {});
  const mode = [
    `worker ${worker.workerId}`,
    worker.readOnly ? 'read-only' : '',
    worker.changeFeed ? 'listening for database changes' : '',
    role === 'leader' ? `${processes} processes answering UDP` : '',
  ].filter(Boolean).join(', ');
  console.log(`Zonekeeper DNS worker answering on ${worker.dns.map(formatHostPort).join(', ')} (UDP and TCP), ${worker.store.size} zone(s); ${mode}`);
  stopOnSignals('DNS worker', worker.stop);
}

main().catch((err: Error) => {
  console.error(`DNS worker failed to start: ${err.message}`);
  process.exit(1);
});
