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
import { normalizeContent } from '../dns/rdata';
import type { RR } from '../dns/types';
import { log } from '../worker/logger';
import type { HandlerContext } from '../worker/request';
import { ResponseCache } from '../worker/response-cache';
import { listenTcp } from '../worker/tcp';
import { listenUdp } from '../worker/udp';
import { buildSnapshot } from '../worker/zone-snapshot';
import { freePort } from './bind';
import { ZoneStore } from '../worker/zone-store';

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
  /** NSEC3 with Opt-Out (RFC 5155 §6): insecure delegations get no NSEC3 of their own. */
  denial: 'nsec' | 'nsec3' | 'nsec3-optout';
}

/** Signs `zoneText` (absolute names, explicit TTLs) for `zone` (absolute). */
export function signWithBind(zone: string, zoneText: string, opts: SignOptions): SignedZone {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-sign-'));
  try {
    const origin = zone.replace(/\.$/, '');
    const run = (program: string, args: string[]) => execFileSync(program, args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    const ksk = run(opts.keygen, ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', origin]).trim();
    run(opts.keygen, ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', origin]);
    fs.writeFileSync(path.join(dir, 'zone.db'), zoneText);
    const denial = opts.denial === 'nsec' ? [] : ['-3', '-', '-H', '0', ...(opts.denial === 'nsec3-optout' ? ['-A'] : [])];
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
    out.push({ name: owner.toLowerCase(), type, ttl: Number(ttl), content: normalizeContent(type, canonicalContent(type, f.slice(4)), zone) });
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

/** A store serving the signed zone's records, built as the loader builds a snapshot. */
export function signedStore(signed: SignedZone): ZoneStore {
  const [soa, ...rest] = signed.records;
  const minimum = Number(soa!.content.split(' ')[6]);
  const store = new ZoneStore();
  store.set(buildSnapshot({ id: 1, name: signed.zone, serial: 1, version: 1, soa: soa!, negativeTtl: Math.min(soa!.ttl, minimum) }, rest));
  return store;
}

export interface ServedZone {
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves `store` on 127.0.0.1 over UDP and TCP on one port with the worker's own listeners and
 * handler (response cache included), as the worker process answers.
 */
export async function serveStore(store: ZoneStore): Promise<ServedZone> {
  const ctx: HandlerContext = { store, log, ednsUdpLimit: 1232, cache: new ResponseCache(store) };
  let lastError: unknown;
  // A port found free can be taken before both listeners have it: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort('127.0.0.1');
    const udp = await listenUdp(ctx, { address: '127.0.0.1', port }).catch((err: unknown) => ((lastError = err), null));
    if (!udp) continue;
    const tcp = await listenTcp(ctx, { address: '127.0.0.1', port }).catch((err: unknown) => ((lastError = err), null));
    if (!tcp) {
      await new Promise<void>((r) => udp.close(() => r()));
      continue;
    }
    return { port, stop: async () => void (await Promise.all([tcp.close(), new Promise<void>((r) => udp.close(() => r()))])) };
  }
  throw lastError;
}
