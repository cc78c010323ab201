// Runs a benchmark against a throwaway MariaDB: starts a private mariadbd
// (lib/testing/mariadb.ts: Debian's mariadb-server, its own data folder under
// /tmp, a free loopback port, no system service), creates an empty database on
// it, runs the given command with DATABASE_URL naming that database, then
// stops the server and removes its folder, however the command ended.
//
//   node --import tsx bench/with-mariadb.ts bash bench/qps.sh [SECONDS] [ROUNDS]
//
// Against your own MySQL 8 or MariaDB 10.11 server, skip this script and give
// the URL yourself: create an empty database (CHARACTER SET utf8mb4 COLLATE
// utf8mb4_bin) and a user with all rights on it, then
//   DATABASE_URL=mysql://USER:PASSWORD@HOST:3306/DB bench/qps.sh
// (the benchmark migrates it through the CLI). bench/scale.sh needs no
// database of its own: given DATABASE_URL=mysql://… it creates and drops one,
// and --mariadb starts a throwaway server by itself.
import { spawn } from 'node:child_process';
import { createDatabase, findMariadb, startMariadb } from '../lib/testing/mariadb.ts';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node --import tsx bench/with-mariadb.ts COMMAND [ARGS…]');
  process.exit(2);
}
const programs = findMariadb();
if (!programs) {
  console.error('MariaDB is not installed: apt-get install mariadb-server');
  process.exit(1);
}
const server = await startMariadb(programs);
let exitCode = 1;
try {
  const url = server.url(await createDatabase(server, 'zk_bench'));
  console.error(`with-mariadb: a throwaway mariadbd on 127.0.0.1:${server.port}, database ${url}`);
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
  // Ctrl-C reaches the child through the terminal; wait for it to finish before the server goes.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  exitCode = await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
} finally {
  await server.stop();
}
process.exit(exitCode);
