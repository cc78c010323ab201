// BIND's delv as the validator of DNSSEC tests: one question to one server on
// loopback, validated from a single trust anchor for the zone it names (its
// +root), so no root or parent outside the test is ever asked. delv prints
// "; fully validated" for a proven answer, "; negative response, fully
// validated" for a proven denial (RFC 4035 §5.4), "; unsigned answer" below
// an insecure delegation, and "resolution failed" when validation fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const FULLY_VALIDATED = '; fully validated';
export const NEGATIVE_VALIDATED = '; negative response, fully validated';
export const UNSIGNED_ANSWER = '; unsigned answer';

/**
 * Writes a delv trust-anchors file (`-a`) into `dir` for `zone` (absolute) from its KSK's
 * DNSKEY rdata ("257 3 13 <base64>"), or from a DS rdata ("tag alg digest-type hex") when
 * `kind` is 'ds'; returns its path.
 */
export function writeTrustAnchor(dir: string, zone: string, rdata: string, kind: 'dnskey' | 'ds' = 'dnskey'): string {
  const f = rdata.trim().split(/\s+/);
  const anchor = kind === 'dnskey' ? `static-key ${f[0]} ${f[1]} ${f[2]} "${f.slice(3).join('')}"` : `static-ds ${f[0]} ${f[1]} ${f[2]} "${f.slice(3).join('')}"`;
  const file = path.join(dir, `anchor-${zone.replace(/\.$/, '') || 'root'}.conf`);
  fs.writeFileSync(file, `trust-anchors { ${zone} ${anchor}; };\n`);
  return file;
}

export interface DelvTarget {
  /** delv's path (from requirePrograms). */
  program: string;
  /** The trust anchor file (writeTrustAnchor). */
  anchors: string;
  /** The zone the anchor is for (absolute): delv starts validation there. */
  zone: string;
  port: number;
  host?: string;
}

/** Asks `name` `type` through delv and resolves with everything it printed; bounded to 20 s. */
export function delv(t: DelvTarget, name: string, type: string): Promise<string> {
  const args = ['-a', t.anchors, `@${t.host ?? '127.0.0.1'}`, '-p', String(t.port), `+root=${t.zone.replace(/\.$/, '')}`, name, type];
  return new Promise((resolve) => {
    execFile(t.program, args, { timeout: 20_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

/** The verdict line delv printed ("; fully validated", …), or the whole output when there is none. */
export function verdictOf(out: string): string {
  const lines = out.split('\n');
  return lines.find((l) => l === FULLY_VALIDATED || l === NEGATIVE_VALIDATED || l === UNSIGNED_ANSWER) ?? out;
}
