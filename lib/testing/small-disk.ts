// A small filesystem a test can fill up and free again, for what a full disk
// does to the database on it: a tmpfs of a few megabytes mounted on a fresh
// folder. Mounting needs root (CI runs the tests as root). Outside CI a test
// that cannot mount skips with a message; under CI=true it fails, so that a
// runner without the right cannot pass as skipped (see system-program.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the disk has no room left (ENOSPC), then gives `leaveBytes` back. */
  fill(leaveBytes?: number): void;
  /** Removes the filler: the disk has room again. */
  free(): void;
  /** Unmounts and removes the folder; for afterAll, after every process using it has stopped. */
  remove(): void;
}

const FILLER = '.filler';

/** A mounted tmpfs of `sizeMb` MiB, or null when this machine does not let the test mount one (outside CI). */
export function mountSmallDisk(sizeMb: number): SmallDisk | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmdirSync(dir);
    const why = ((err as { stderr?: Buffer }).stderr?.toString() || (err as Error).message).trim();
    if (process.env.CI) throw new Error(`cannot mount a tmpfs under CI (the tests run as root there): ${why}`);
    console.warn(`skipping: cannot mount a small tmpfs to fill (${why}); run the tests as root`);
    return null;
  }
  const filler = path.join(dir, FILLER);
  return {
    dir,
    fill(leaveBytes = 0) {
      const fd = fs.openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        fs.closeSync(fd);
      }
      // The last pages: whatever a 64 KiB write could not take.
      const fd2 = fs.openSync(filler, 'a');
      try {
        for (;;) fs.writeSync(fd2, chunk, 0, 512);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        fs.closeSync(fd2);
      }
      if (leaveBytes > 0) fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - leaveBytes));
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    remove() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // Still busy (a process the test could not stop): detach it, the kernel frees it when the last user goes.
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
