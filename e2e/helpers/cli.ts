// Runs the `zonekeeper` CLI against the product the e2e tests started (same
// data directory and database), for setting up what a test needs: users,
// zones, records. Tests then check what the browser shows of it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnv } from './env';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'zonekeeper.mjs');

export interface CliResult {
  stdout: string;
  stderr: string;
}

/** `zonekeeper ARGS…`; rejects with its stderr when it exits non-zero. */
export function zk(args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...serverEnv }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`zonekeeper ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve({ stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/** A name no other test (or earlier run on the same data) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Creates a user with the given role; returns its name and password. */
export async function createUser(role: 'admin' | 'editor' | 'viewer'): Promise<{ name: string; password: string }> {
  const name = uniqueName(role);
  const password = `pw-${name}`;
  await zk(['user', 'add', name, '--role', role], password);
  return { name, password };
}
