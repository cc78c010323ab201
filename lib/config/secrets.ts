// Generated secrets (the control-channel key, the key that seals DNSSEC
// private keys) live as files in ZK_DATA_DIR,
// created owner-only (0600, in a 0700 folder) on first use and read
// thereafter. A secret file shorter than 32 bytes is refused wherever it is
// read — by the worker, the web app and the CLI alike — rather than used: a
// short key can be guessed, and it is never what we wrote.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from '../setup/private-files';
import { dataDir } from './env';

export type SecretName = 'control-secret' | 'dnssec-secret';

/** Shortest secret accepted, in bytes (we write 43: 32 random bytes in base64url). */
export const MIN_SECRET_BYTES = 32;

function checked(file: string, text: string): string {
  const secret = text.trim();
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(
      `${file} holds ${Buffer.byteLength(secret)} bytes; a secret needs at least ${MIN_SECRET_BYTES}. ` +
        'Delete the file and start again: a new one is generated (restart every Zonekeeper process that shares this folder).',
    );
  }
  return secret;
}

/** The secret's file, or null when it does not exist (yet). */
export function readSecret(name: SecretName): string | null {
  const file = path.join(dataDir(), name);
  try {
    return checked(file, fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return null;
  }
}

export function readOrCreateSecret(name: SecretName): string {
  const existing = readSecret(name);
  if (existing !== null) return existing;
  const dir = dataDir();
  const file = path.join(dir, name);
  ensurePrivateDir(dir);
  const secret = crypto.randomBytes(32).toString('base64url');
  // Written whole under a temporary name, then linked into place: a process
  // starting at the same moment sees either no file or all of it, never a
  // half-written one. link() fails if another process won; then read theirs.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret + '\n', { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return checked(file, fs.readFileSync(file, 'utf8'));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
