// The web app as a test runs it: the production build (made once, whichever
// test file asks first, under a lock so that two vitest workers never build
// into .next at the same time) served by lib/start/web-server.ts in a child
// process against the test file's own database, with no DNS worker.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIsCurrent, ROOT, sourceHash, writeStamp } from '../start/build-stamp';
import { freePort } from './bind';
import { eventually } from './dns-client';

const LOCK = path.join(ROOT, '.next-build.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 15 * 60_000;

function takeLock(): boolean {
  try {
    fs.closeSync(fs.openSync(LOCK, 'wx'));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs;
    if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { force: true });
    return false;
  }
}

/** Builds the web app when its sources changed since the last build (the build `npm start` makes). */
export async function ensureWebBuild(): Promise<void> {
  while (!takeLock()) await new Promise((r) => setTimeout(r, 500));
  try {
    const hash = sourceHash();
    if (buildIsCurrent(hash)) return;
    const next = path.join(ROOT, 'node_modules/next/dist/bin/next');
    await new Promise<void>((resolve, reject) => {
      const b = spawn(process.execPath, [next, 'build'], { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'ignore' });
      b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})`))));
    });
    writeStamp(hash);
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

export interface TestWebServer {
  base: string;
  /** Everything it printed so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the web server on a free loopback port with `env` on top of this process's environment. */
export async function startWebServer(env: Record<string, string> = {}, nodeOptions: string[] = []): Promise<TestWebServer> {
  await ensureWebBuild();
  const port = await freePort('127.0.0.1');
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', path.join(ROOT, 'lib/start/web-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ZK_CONTROL_PORT: '1', ...env, PORT: String(port), ZK_WEB_LISTEN: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const status = await eventually(() => fetch(`${base}/login`).then((r) => r.status, () => 0), (s) => s === 200 || child.exitCode !== null, 60_000, 250);
  if (status !== 200) {
    child.kill('SIGKILL');
    throw new Error(`the web server did not start: ${output.slice(-2000)}`);
  }
  return {
    base,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
