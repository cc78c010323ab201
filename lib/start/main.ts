// `npm start`: migrate, make sure there is an admin, build the web app if its
// build is missing or stale, then run the web app and the DNS worker together.
// Ctrl-C / SIGTERM stops both; if either dies, stop the other and exit 1.
import { loadDotEnv } from '../config/dotenv';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { dataDir, dnsListen, webListen, webUrl } from '../config/env';
import { formatHostPort } from '../dns/address';
import { redactedUrl } from '../config/database-url';
import { ldapSettings } from '../config/ldap';
import { ensureFirstAdmin } from '../auth/users';
import { disconnectDb } from '../db';
import { migrateDatabase } from '../setup/database';
import { buildIsCurrent, ROOT, sourceHash, writeStamp } from './build-stamp';
import { WORKER_NODE_ARGS } from '../worker/command';

loadDotEnv();

const require = createRequire(import.meta.url);
const NEXT_BIN = require.resolve('next/dist/bin/next');

function say(line: string): void {
  process.stdout.write(`[zonekeeper] ${line}\n`);
}

function runToEnd(cmd: string, args: string[], label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${label} failed (${signal ?? `exit code ${code}`})`))));
  });
}

async function main(): Promise<void> {
  // Settings are checked before anything starts, so a typo stops here with its reason.
  const web = webListen();
  const ldap = ldapSettings();
  say(`database: ${redactedUrl()}  data: ${dataDir()}`);
  if (ldap) say(`LDAP sign-in: ${ldap.url}${ldap.startTls ? ' (StartTLS)' : ''}, users under ${ldap.base}; local users sign in as before`);
  const { applied, secured } = await migrateDatabase();
  for (const line of secured) say(`made private (it was readable by other users): ${line}`);
  say(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database schema is current');

  const admin = await ensureFirstAdmin();
  if (admin.generatedPassword) {
    say('');
    say(`Created the first user: admin   password: ${admin.generatedPassword}`);
    say('This password is shown only once. Log in and keep it safe (or set ZK_ADMIN_PASSWORD before the first start).');
    say('');
  } else if (admin.created) {
    say('Created the first user "admin" with the password from ZK_ADMIN_PASSWORD.');
  }
  await disconnectDb();

  const hash = sourceHash();
  if (!buildIsCurrent(hash)) {
    say('building the web app (first start or sources changed; takes a minute)…');
    await runToEnd(process.execPath, [NEXT_BIN, 'build'], 'web app build');
    writeStamp(hash);
  }

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children.values()) if (c.exitCode === null) c.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const c of children.values()) if (c.exitCode === null) c.kill('SIGKILL');
    }, 8000);
    force.unref();
    Promise.all([...children.values()].map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => {
      process.exit(exitCode);
    });
  };
  const launch = (label: string, args: string[]) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    children.set(label, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      say(`the ${label} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping everything.`);
      stopAll(1);
    });
  };
  launch('DNS worker', [...WORKER_NODE_ARGS]);
  launch('web app', ['--import', 'tsx', path.join(ROOT, 'lib/start/web-server.ts')]);
  const loopbackOnly = web.address === '127.0.0.1' || web.address === '::1';
  say(`web app: ${webUrl(web)}${loopbackOnly ? ' (this machine only; ZK_WEB_LISTEN=0.0.0.0 serves others, better behind a TLS proxy)' : ''}   DNS: ${dnsListen().map(formatHostPort).join(', ')} (UDP and TCP)`);
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  // npm exits on SIGTERM without passing it on; when whoever started us is
  // gone, stop rather than leave the two servers running unowned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      say('the process that started zonekeeper has gone; stopping.');
      stopAll(0);
    }
  }, 1000).unref();
}

main().catch((err: Error) => {
  process.stderr.write(`[zonekeeper] start failed: ${err.message}\n`);
  process.exit(1);
});
