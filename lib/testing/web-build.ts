// The web app's production build for tests that start the real web server
// (lib/start/web-server.ts), made when it is missing or stale exactly as
// `npm start` makes it, and stamped the same way (lib/start/build-stamp.ts).
// Vitest runs test files, and its two projects, side by side: when several
// need a build at once, one makes it and the others wait, since two builds
// into one .next folder break each other.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIsCurrent, ROOT, sourceHash, writeStamp } from '../start/build-stamp';

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
