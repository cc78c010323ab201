// Tests that need a system program (nsd, named, pdns_server, dig, chromium):
// outside CI a missing program skips the test; under CI=true it is a failure,
// because CI installs everything the suite needs (.ci/run).
import { execFileSync } from 'node:child_process';

export function findProgram(name: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin', '/usr/local/sbin']) {
    try {
      execFileSync('test', ['-x', `${dir}/${name}`]);
      return `${dir}/${name}`;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/**
 * The program's path, or null when the test should skip. Throws under CI so
 * that a missing install step cannot pass as a skipped test.
 */
export function requireProgram(name: string, debianPackage: string): string | null {
  const found = findProgram(name);
  if (found) return found;
  if (process.env.CI) throw new Error(`${name} is missing under CI: add the Debian package ${debianPackage} to .ci/run`);
  console.warn(`skipping: ${name} not installed (apt-get install ${debianPackage})`);
  return null;
}

/**
 * Several programs at once, each name with the Debian package that has it: their paths, or
 * null when one is missing and the test should skip (under CI a missing one throws).
 */
export function requirePrograms<K extends string>(programs: Record<K, string>): Record<K, string> | null {
  const found = {} as Record<K, string>;
  let missing = false;
  for (const [name, debianPackage] of Object.entries(programs) as [K, string][]) {
    const path = requireProgram(name, debianPackage);
    if (path) found[name] = path;
    else missing = true;
  }
  return missing ? null : found;
}
