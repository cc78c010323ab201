// Entry point of `npm run worker`: applies pending migrations, then serves
// DNS until SIGINT/SIGTERM.
import { loadDotEnv } from '../config/dotenv';
import { migrateDatabase } from '../setup/database';
import { formatHostPort } from '../config/env';
import { log } from './logger';
import { startWorker } from './worker';

loadDotEnv();
if (process.env.ZK_LOG_LEVEL) log.level = process.env.ZK_LOG_LEVEL;

async function main(): Promise<void> {
  await migrateDatabase();
  const worker = await startWorker();
  const mode = [`worker ${worker.workerId}`, worker.readOnly ? 'read-only' : '', worker.changeFeed ? 'listening for database changes' : ''].filter(Boolean).join(', ');
  console.log(`Zonekeeper DNS worker answering on ${worker.dns.map(formatHostPort).join(', ')} (UDP and TCP), ${worker.store.size} zone(s); ${mode}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping DNS worker');
    worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: Error) => {
  console.error(`DNS worker failed to start: ${err.message}`);
  process.exit(1);
});
