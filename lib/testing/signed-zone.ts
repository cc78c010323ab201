// A zone signed by BIND's dnssec-signzone, for tests of DNSSEC answers: keys
// made by dnssec-keygen at test time in a private temp folder (a KSK and a ZSK,
// ECDSAP256SHA256), the zone signed with NSEC, or with NSEC3 as RFC 9276 asks
// (no salt, no extra iterations), and read back as records in the canonical
// presentation forms of lib/dns/dnssec/types.ts. The same signed text can be
// given to NSD, and the KSK to a validator as its trust anchor.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RR } from '../dns/types';

export interface SignedZone {
  zone: string;
  /** The signed zone file as dnssec-signzone wrote it (for NSD). */
  text: string;
  /** Its records, owners lowercase, content canonical; the SOA first. */
  records: RR[];
  /** The KSK's DNSKEY rdata ("257 3 13 <base64>"), for a trust anchor. */
  ksk: string;
}

export interface SignOptions {
  /** `dnssec-keygen` and `dnssec-signzone` paths (from requirePrograms). */
  keygen: string;
  signzone: string;
  denial: 'nsec' | 'nsec3';
}

/** Signs `zoneText` (absolute names, explicit TTLs) for `zone` (absolute). */
export function signZone(zone: string, zoneText: string, opts: SignOptions): SignedZone {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-sign-'));
  try {
    const origin = zone.replace(/\.$/, '');
    const run = (program: string, args: string[]) => execFileSync(program, args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    const ksk = run(opts.keygen, ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', origin]).trim();
    run(opts.keygen, ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', origin]);
    fs.writeFileSync(path.join(dir, 'zone.db'), zoneText);
    const denial = opts.denial === 'nsec3' ? ['-3', '-', '-H', '0'] : [];
    run(opts.signzone, ['-q', '-K', dir, '-S', ...denial, '-o', origin, '-f', 'signed.db', '-O', 'full', 'zone.db']);
    const text = fs.readFileSync(path.join(dir, 'signed.db'), 'utf8');
    const kskLine = fs.readFileSync(path.join(dir, `${ksk}.key`), 'utf8').split('\n').find((l) => /\sDNSKEY\s/.test(l) && !l.startsWith(';'))!;
    return { zone, text, records: readSigned(text, zone), ksk: canonicalContent('DNSKEY', kskLine.split(/\s+/).slice(kskLine.split(/\s+/).indexOf('DNSKEY') + 1)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The records of a zone file in dnssec-signzone's `-O full` form: one record a line, `owner ttl IN type rdata`. */
export function readSigned(text: string, zone: string): RR[] {
  const out: RR[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(';') || line.trim() === '' || line.startsWith('$')) continue;
    const f = line.trim().split(/\s+/);
    const [owner, ttl, klass, type] = f;
    if (klass !== 'IN' || !owner || !type) throw new Error(`unexpected line in a signed zone: ${line}`);
    out.push({ name: owner.toLowerCase(), type, ttl: Number(ttl), content: canonicalContent(type, f.slice(4)) });
  }
  const soa = out.findIndex((r) => r.type === 'SOA' && r.name === zone);
  out.unshift(...out.splice(soa, 1));
  return out;
}

/** The canonical presentation form (lib/dns/dnssec/types.ts) of rdata fields as BIND prints them. */
function canonicalContent(type: string, f: string[]): string {
  switch (type) {
    case 'RRSIG':
      // Covered type … signer, then the signature, which BIND splits with spaces.
      return [...f.slice(0, 7), f[7]!.toLowerCase(), f.slice(8).join('')].join(' ');
    case 'DNSKEY':
    case 'CDNSKEY':
      return [...f.slice(0, 3), f.slice(3).join('')].join(' ');
    case 'DS':
    case 'CDS':
      return [...f.slice(0, 3), f.slice(3).join('').toUpperCase()].join(' ');
    case 'NSEC3':
      return [...f.slice(0, 4), f[4]!.toUpperCase(), ...f.slice(5)].join(' ');
    case 'NSEC':
      return [f[0]!.toLowerCase(), ...f.slice(1)].join(' ');
    default:
      return f.join(' ');
  }
}
