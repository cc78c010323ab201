import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePrograms } from '../../testing/system-program';
import { algorithmNumber, CDNSKEY_DELETE, CDS_DELETE, cdnskeyContent, dsContent, generateZoneKey, keyTag, parseDnskey, zoneKeyFromPrivateKey } from './keys';

const bind = requirePrograms({ 'dnssec-keygen': 'bind9-utils', 'dnssec-dsfromkey': 'bind9-utils' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** BIND's key pair in our forms: the DNSKEY content of its .key file, its tag, and its private key as PKCS#8 PEM. */
function bindKey(algorithm: 'ECDSAP256SHA256' | 'ED25519', ksk: boolean) {
  const base = execFileSync(bind!['dnssec-keygen'], ['-K', dir, '-a', algorithm, ...(ksk ? ['-f', 'KSK'] : []), 'z.test'], { encoding: 'utf8' }).trim();
  const keyFile = path.join(dir, `${base}.key`);
  const line = fs.readFileSync(keyFile, 'utf8').split('\n').find((l) => l.includes(' DNSKEY '))!;
  const dnskey = line.split(' DNSKEY ')[1]!.replace(/(\S+ \S+ \S+ )(.*)/, (_, h: string, k: string) => h + k.replace(/\s+/g, ''));
  const raw = Buffer.from(/PrivateKey: (\S+)/.exec(fs.readFileSync(path.join(dir, `${base}.private`), 'utf8'))![1]!, 'base64');
  const der =
    algorithm === 'ED25519'
      ? createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]), format: 'der', type: 'pkcs8' })
      : createPrivateKey({ key: Buffer.concat([Buffer.from('30310201010420', 'hex'), raw, Buffer.from('a00a06082a8648ce3d030107', 'hex')]), format: 'der', type: 'sec1' });
  const pem = der.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyFile, dnskey, tag: Number(base.split('+')[2]), pem };
}

/** dnssec-dsfromkey's SHA-256 DS for a DNSKEY, as "tag alg 2 HEX". */
function bindDs(keyFile: string): string {
  return execFileSync(bind!['dnssec-dsfromkey'], ['-2', keyFile], { encoding: 'utf8' }).trim().split(/\s+DS\s+/)[1]!;
}

describe.skipIf(!bind)('keys agree with BIND', () => {
  for (const [name, alg, bindAlg] of [
    ['ECDSA P-256', 'ecdsap256sha256', 'ECDSAP256SHA256'],
    ['Ed25519', 'ed25519', 'ED25519'],
  ] as const) {
    it(`${name}: BIND's private key gives BIND's DNSKEY, key tag and DS`, () => {
      for (const ksk of [true, false]) {
        const b = bindKey(bindAlg, ksk);
        const ours = zoneKeyFromPrivateKey(ksk ? 'ksk' : 'zsk', alg, b.pem);
        expect(ours.dnskey).toBe(b.dnskey);
        expect(ours.keyTag).toBe(b.tag);
        expect(keyTag(b.dnskey)).toBe(b.tag);
        expect(dsContent('z.test.', b.dnskey)).toBe(bindDs(b.keyFile));
      }
    });

    it(`${name}: BIND reads our DNSKEY to the same key tag and DS`, () => {
      for (const role of ['ksk', 'zsk'] as const) {
        const k = generateZoneKey(role, alg);
        expect(parseDnskey(k.dnskey).flags).toBe(role === 'ksk' ? 257 : 256);
        const file = path.join(dir, `ours-${role}-${alg}.key`);
        fs.writeFileSync(file, `z.test. IN DNSKEY ${k.dnskey}\n`);
        const ds = bindDs(file);
        expect(ds.split(' ')[0]).toBe(String(k.keyTag));
        expect(dsContent('Z.Test.', k.dnskey)).toBe(ds);
      }
    });
  }
});

describe('keys', () => {
  it('a new key is neither published nor active and keeps its private half as PKCS#8', () => {
    const k = generateZoneKey('ksk', 'ed25519');
    expect(k).toMatchObject({ role: 'ksk', algorithm: 15, published: false, active: false, atParent: false });
    expect(k.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(zoneKeyFromPrivateKey('ksk', 'ed25519', k.privateKeyPem).dnskey).toBe(k.dnskey);
    expect(() => zoneKeyFromPrivateKey('ksk', 'ecdsap256sha256', k.privateKeyPem)).toThrow(/not an ecdsap256sha256 key/);
  });

  it('CDNSKEY repeats the DNSKEY; the delete forms are RFC 8078 §4', () => {
    const k = generateZoneKey('ksk', 'ecdsap256sha256');
    expect(cdnskeyContent(k.dnskey)).toBe(k.dnskey);
    expect(CDS_DELETE).toBe('0 0 0 00');
    expect(CDNSKEY_DELETE).toBe('0 3 0 AA==');
  });

  it('names only the algorithms it signs with', () => {
    expect(algorithmNumber('ed25519')).toBe(15);
    expect(() => algorithmNumber('constructor')).toThrow(/unsupported DNSSEC algorithm "constructor" \(use ecdsap256sha256 or ed25519\)/);
    expect(() => generateZoneKey('ksk', 'rsasha1' as 'ed25519')).toThrow(/unsupported/);
  });

  it('refuses DNSKEY content it cannot read and digest types it does not make', () => {
    expect(() => keyTag('257 3 13')).toThrow(/DNSKEY content/);
    expect(() => dsContent('z.test.', '257 3 13 AAAA', 1)).toThrow(/digest type 1/);
  });
});
