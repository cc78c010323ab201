// The real web server (lib/start/web-server.ts) as a child process for tests,
// on loopback, on the database and data folder the test names, serving the
// production build. The build is made when it is missing or stale exactly as
// `npm start` makes it, and stamped the same way (lib/start/build-stamp.ts).
// Vitest runs test files, and its two projects, side by side: when several
// need a build at once, one makes it and the others wait, since two builds
// into one .next folder break each other.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIsCurrent, ROOT, sourceHash, writeStamp } from '../start/build-stamp';
import { freePort } from './bind';
import { eventually } from './dns-client';

const NEXT = path.join(ROOT, 'node_modules/next/dist/bin/next');
const LOCK = path.join(os.tmpdir(), `zk-web-build-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);

function holderAlive(): boolean {
  try {
    process.kill(Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch (err) {
    // No pid written yet: the holder has only just taken the lock.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const b = spawn(process.execPath, [NEXT, 'build'], { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'ignore' });
    b.on('error', reject);
    b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})`))));
  });
}

/** Resolves once .next holds a build of the current sources. */
export async function ensureWebBuild(): Promise<void> {
  for (;;) {
    const hash = sourceHash();
    if (buildIsCurrent(hash)) return;
    try {
      fs.mkdirSync(LOCK);
    } catch {
      // Another test file is building; a lock whose holder died is taken over.
      if (!holderAlive()) fs.rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      if (!buildIsCurrent(hash)) {
        await build();
        writeStamp(hash);
      }
      return;
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

export interface WebServerProcess {
  /** `http://127.0.0.1:PORT`. */
  base: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not gone within 5 s. */
  stop(): Promise<void>;
}

/**
 * Builds if needed, starts the web server with `env` over this process's
 * environment (DATABASE_URL and ZK_DATA_DIR at least) and `nodeOptions` for
 * Node (a small heap, say), and resolves once it answers /login.
 */
export async function startWebServer(env: Record<string, string>, nodeOptions: string[] = []): Promise<WebServerProcess> {
  await ensureWebBuild();
  const port = await freePort('127.0.0.1');
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', path.join(ROOT, 'lib/start/web-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, ZK_CONTROL_PORT: '1', NEXT_TELEMETRY_DISABLED: '1', ...env, PORT: String(port), ZK_WEB_LISTEN: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(`${base}/login`).then((r) => r.status, () => 0), (s) => s === 200 || child.exitCode !== null, 60_000, 250);
  if (child.exitCode !== null) throw new Error(`the web server exited (${child.exitCode}) before it answered:\n${log.slice(-2000)}`);
  return {
    base,
    child,
    output: () => log,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
