// The files that hold secrets — the SQLite database (password hashes, TSIG
// secrets, session hashes) with its -wal, -shm and -journal companions, and
// the generated secrets in ZK_DATA_DIR — are readable by their owner only:
// folders 0700, files 0600, as BIND keeps its key files and PostgreSQL its
// data directory. New ones are created that way; an existing installation is
// put right at start-up, and each fix is reported so the caller can log it.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../config/env';
import { isSqlite, sqliteFile } from '../config/database-url';

/**
 * Every secret file we have written to ZK_DATA_DIR, for start-up to keep
 * private: the ones in use, and `session-secret`, which keyed the signed
 * session cookies of versions before server-side sessions (harmless now, but
 * still a secret). lib/config/secrets.ts writes them.
 */
export const SECRET_FILES: readonly string[] = ['control-secret', 'session-secret'];

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const SQLITE_COMPANIONS = ['', '-wal', '-shm', '-journal'];

/** Creates `dir` (and its parents) owner-only, or tightens it if it is ours and open to others; returns what was fixed. */
export function ensurePrivateDir(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    return [];
  }
  return tighten(dir, PRIVATE_DIR);
}

/** Sets `mode` when the path gives group or others any access and we own it; returns what was fixed. */
function tighten(p: string, mode: number): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return [];
  }
  if ((st.mode & 0o077) === 0) return [];
  // Another user's folder (or a shared one like /tmp) is not ours to change.
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return [];
  if (st.isDirectory() && st.mode & 0o1000) return [];
  fs.chmodSync(p, mode);
  return [`${p}: ${(st.mode & 0o777).toString(8)} → ${mode.toString(8)}`];
}

/**
 * Makes the data folder, the SQLite folder when we create it, the database
 * files and the secrets private. Returns one line per mode it changed
 * (empty on a fresh or already private installation).
 */
export function securePrivateFiles(opts: { createDatabase?: boolean } = {}): string[] {
  const fixed: string[] = [];
  const data = dataDir();
  fixed.push(...ensurePrivateDir(data));
  // Only the files we write there: ZK_DATA_DIR may be a folder the operator keeps other things in.
  for (const name of SECRET_FILES) fixed.push(...tighten(path.join(data, name), PRIVATE_FILE));
  if (isSqlite()) {
    const file = sqliteFile();
    // The database's own folder is tightened only when it is the data folder (done above):
    // a folder named in DATABASE_URL may be shared with other things.
    // SQLite gives -wal, -shm and -journal the database file's mode, so creating it private is enough for them.
    if (opts.createDatabase !== false && !fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
    for (const suffix of SQLITE_COMPANIONS) fixed.push(...tighten(file + suffix, PRIVATE_FILE));
  }
  return fixed;
}
