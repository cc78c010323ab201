// Every record of zones signed by BIND's dnssec-signzone (lib/testing/signed-fixtures: NSEC,
// NSEC3 per RFC 9276, NSEC3 with salt and opt-out) reads into our canonical form, goes to
// wire form and back unchanged, and, written out again as a zone file, still verifies with
// dnssec-verify and ldns-verify-zone: proof that not one byte of a key, signature or chain
// link was lost on the way.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentToWire } from './rdata';
import { contentToRdata, rdataToContent } from './rdata-wire';
import { encodeRdata } from './wire';
import { parseZoneFile, serializeZoneFile } from './zone-file';
import { runProgram } from '../testing/run-program';
import { requirePrograms } from '../testing/system-program';

const FIXTURES = path.resolve(import.meta.dirname, '../testing/signed-fixtures');
const ZONE = 'signed.test.';
const programs = requirePrograms({ 'dnssec-verify': 'bind9-utils', 'ldns-verify-zone': 'ldnsutils' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'zk-signed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Records per file, as `ldns-read-zone FILE | wc -l` counts them.
describe.each([
  ['nsec.zone', 86, 'NSEC'],
  ['nsec3.zone', 101, 'NSEC3'],
  ['nsec3-salt.zone', 101, 'NSEC3'],
])('%s', (file, count, denial) => {
  const text = readFileSync(path.join(FIXTURES, file), 'utf8');
  const { records, errors } = parseZoneFile(text, { origin: ZONE });

  it('reads every record, the signer types included', () => {
    expect(errors).toEqual([]);
    expect(records).toHaveLength(count);
    const types = new Set(records.map((r) => r.type));
    for (const t of ['DNSKEY', 'RRSIG', denial, 'CDS', 'CDNSKEY', 'DS']) expect(types).toContain(t);
    if (denial === 'NSEC3') expect(types).toContain('NSEC3PARAM');
    // The CNAME keeps its signature and its NSEC beside it (RFC 4035 §2.5).
    const www = records.filter((r) => r.name === `www.${ZONE}`).map((r) => r.type);
    expect(www).toContain('CNAME');
    expect(www).toContain('RRSIG');
  });

  it('writes each record to the same rdata on the direct path and through the encoder, and reads it back', () => {
    for (const r of records) {
      const direct = contentToRdata(r.type, r.content);
      expect(direct.equals(encodeRdata(r.type, contentToWire(r.type, r.content))), `${r.type} ${r.content}`).toBe(true);
      expect(rdataToContent(r.type, direct, 0, direct.length)).toBe(r.content);
    }
  });

  it.skipIf(!programs)('still verifies when written out again from wire form', async () => {
    const back = records.map((r) => {
      const rdata = contentToRdata(r.type, r.content);
      return { ...r, content: rdataToContent(r.type, rdata, 0, rdata.length) };
    });
    const out = path.join(dir, file);
    writeFileSync(out, serializeZoneFile(ZONE, back));
    const bind = await runProgram(programs!['dnssec-verify'], ['-o', ZONE, out]);
    expect(bind.stderr + bind.stdout).toMatch(/Zone fully signed/);
    expect(bind.status).toBe(0);
    const ldns = await runProgram(programs!['ldns-verify-zone'], [out]);
    expect(ldns.stdout + ldns.stderr).toMatch(/Zone is verified and complete/);
    expect(ldns.status).toBe(0);
  });
});
