// Entry point of `npm run worker`: applies pending migrations, then serves
// DNS until SIGINT/SIGTERM. With ZK_DNS_THREADS above 1 (the default on a
// machine with several cores) that many threads answer UDP queries
// (answer-threads.ts).
import { loadDotEnv } from '../config/dotenv';
import { migrateDatabase } from '../setup/database';
import { checkWorkerSettings, dnsThreads, logLevel } from '../config/env';
import { formatHostPort } from '../dns/address';
import { log } from './logger';

loadDotEnv();
// Again: .env may have set it after the logger was made.
log.level = logLevel();

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
  checkWorkerSettings();
  const { secured } = await migrateDatabase();
  for (const line of secured) log.warn({ file: line }, 'made a private file private (it was readable by other users)');
  const { startWorker } = await import('./worker');
  let stop: (() => Promise<void>) | undefined;
  const worker = await startWorker({
    threads: dnsThreads(),
    // Its sockets are closed with it: stop, and let whoever runs the worker start it again.
    onThreadLost: (err) => {
      log.error({ err: err.message }, 'an answer thread ended; stopping the worker');
      void (stop?.() ?? Promise.resolve()).finally(() => process.exit(1));
    },
  });
  stop = worker.stop;
  const mode = [
    `worker ${worker.workerId}`,
    worker.readOnly ? 'read-only' : '',
    worker.changeFeed ? 'following database changes' : '',
    worker.threads > 1 ? `${worker.threads} threads answering UDP` : '',
  ].filter(Boolean).join(', ');
  console.log(`Zonekeeper DNS worker answering on ${worker.dns.map(formatHostPort).join(', ')} (UDP and TCP), ${worker.store.size} zone(s); ${mode}`);
  stopOnSignals('DNS worker', worker.stop);
}

main().catch((err: Error) => {
  console.error(`DNS worker failed to start: ${err.message}`);
  process.exit(1);
});
