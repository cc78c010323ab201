import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

// Integration suites that also run against a real PostgreSQL (the `postgres`
// project: one cluster per run, a database per file) and a real MariaDB (the
// `mariadb` project, likewise), plus the files that only make sense on one of
// them (*.pg.test.ts, *.my.test.ts) or on a database server, either one
// (*.db-server.test.ts: several processes on one database). Everything but
// those three kinds runs on SQLite in `sqlite`.
const SERVER_SUITES = [
  'lib/db-bulk.test.ts',
  'lib/worker/worker.test.ts',
  'lib/worker/zone-loader.test.ts',
  'lib/worker/idle-work.test.ts',
  'lib/worker/notify-queue.test.ts',
  'lib/worker/prober.test.ts',
  'lib/worker/probe-sweep.test.ts',
  'lib/worker/webhooks.test.ts',
  'lib/webhooks/transitions.test.ts',
  'lib/worker/transfer-out.test.ts',
  'lib/worker/dnssec-signing.test.ts',
  'lib/worker/dnssec-validators.test.ts',
  'lib/worker/secondary/secondary.test.ts',
  'lib/worker/secondary/engine.test.ts',
  'lib/worker/secondary/restart-catch-up.test.ts',
  'lib/worker/secondary/three-workers.test.ts',
  'lib/replication/*.test.ts',
  'lib/cli/*.test.ts',
  'lib/zones/*.test.ts',
  'lib/requests/*.test.ts',
  'lib/auth/users.test.ts',
  'lib/auth/ldap.test.ts',
  'lib/auth/api-keys.test.ts',
  // Raw SQL that differs by database (JSON functions, name ranges).
  'lib/search/data.test.ts',
  'lib/activity/data.test.ts',
  'lib/**/*.db-server.test.ts',
];

// Files whose assertions are about answering under a load they make themselves (answer
// latency during a 400,000-record IXFR, UDP loss under a flood): another file beside them on a
// two-core machine decides the outcome. The `solo` project runs them one at a time after all the
// others (Vitest runs a project with maxWorkers 1 in a group of its own, last).
const SOLO = ['lib/worker/secondary/big-transfer.test.ts', 'lib/worker/garbage.test.ts'];

// Under CI a missing PostgreSQL must fail (the project's global setup throws),
// never pass as skipped; elsewhere the project is left out with a message.
// (The same search as lib/testing/postgres.ts findPostgresBin, kept import-free for Vite's config loader.)
const postgresInstalled = () =>
  (fs.existsSync('/usr/lib/postgresql') && fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))) ||
  ['/usr/bin', '/usr/local/bin', '/usr/sbin'].some((d) => fs.existsSync(`${d}/initdb`));
const withPostgres = process.env.CI ? true : postgresInstalled();
if (!withPostgres) console.warn('skipping the postgres test project: PostgreSQL is not installed (apt-get install postgresql)');
// (The search of lib/testing/system-program.ts findProgram, likewise.)
const mariadbInstalled = () => ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'].some((d) => fs.existsSync(`${d}/mariadbd`));
const withMariadb = process.env.CI ? true : mariadbInstalled();
if (!withMariadb) console.warn('skipping the mariadb test project: MariaDB is not installed (apt-get install mariadb-server)');

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Two files at a time even on two cores (Vitest's default there is one): most files wait on
    // sockets, timers and child processes rather than compute, and three projects run in one go.
    maxWorkers: 2,
    setupFiles: ['lib/testing/per-file-db.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['lib/**/*.test.ts'],
          exclude: ['lib/**/*.pg.test.ts', 'lib/**/*.my.test.ts', 'lib/**/*.db-server.test.ts', ...SOLO, '**/node_modules/**'],
          globalSetup: ['lib/testing/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'solo',
          include: SOLO,
          globalSetup: ['lib/testing/global-setup.ts'],
          maxWorkers: 1,
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['lib/**/*.pg.test.ts', ...SERVER_SUITES],
                globalSetup: ['lib/testing/pg-global-setup.ts'],
                env: { ZK_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
      ...(withMariadb
        ? [
            {
              extends: true as const,
              test: {
                name: 'mariadb',
                include: ['lib/**/*.my.test.ts', ...SERVER_SUITES],
                globalSetup: ['lib/testing/my-global-setup.ts'],
                env: { ZK_TEST_DB: 'mariadb' },
              },
            },
          ]
        : []),
    ],
  },
});
