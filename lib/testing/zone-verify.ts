// Checks a signed zone with the DNSSEC verifiers of BIND (dnssec-verify) and
// ldns (ldns-verify-zone): each reads the zone as a file and says whether
// every RRset is signed and the NSEC/NSEC3 chain is whole.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serializeZoneFile } from '../dns/zone-file';
import type { RR } from '../dns/types';
import { requirePrograms } from './system-program';

export type Verifiers = Record<'dnssec-verify' | 'ldns-verify-zone', string>;

/** The two verifiers' paths, or null when the test should skip (under CI a missing one throws). */
export function requireVerifiers(): Verifiers | null {
  return requirePrograms({ 'dnssec-verify': 'bind9-utils', 'ldns-verify-zone': 'ldnsutils' });
}

export interface Verdict {
  ok: boolean;
  output: string;
}

/** Runs both verifiers on `records` written as a zone file; `ok` only when both accept it. */
export function verifyZone(tools: Verifiers, zone: string, records: readonly RR[]): { bind: Verdict; ldns: Verdict } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-verify-'));
  try {
    const file = path.join(dir, 'zone.db');
    fs.writeFileSync(file, serializeZoneFile(zone, [...records]));
    const run = (cmd: string, args: string[]): Verdict => {
      const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
      return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
    };
    return {
      bind: run(tools['dnssec-verify'], ['-o', zone, file]),
      ldns: run(tools['ldns-verify-zone'], [file]),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
