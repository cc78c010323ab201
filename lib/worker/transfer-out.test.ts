// Zone transfers out of the real worker over TCP on loopback: AXFR and IXFR
// as a secondary sees them, access by address range and TSIG key, and the
// events recorded for the dashboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import type { TsigKey } from '../dns/tsig';
import { encodeMessage, RCODE } from '../dns/wire';
import { ask, eventually } from '../testing/dns-client';
import { transfer, transferMany, transferQuery } from '../testing/xfr-client';
import { getZone } from '../zones/data';
import { applyChangeset, importZone } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { createTsigKey, signingKey } from '../zones/tsig-keys';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
let worker: RunningWorker;
let port: number;

const rrText = (r: { name: string; type: string; data: unknown }) => `${r.name.toLowerCase()} ${r.type} ${JSON.stringify(r.data)}`;

beforeAll(async () => {
  await createZone({ name: 'xfr.test', nameservers: ['ns1.xfr.test.', 'ns2.xfr.test.'] }, actor);
  const add = [];
  // Enough data for several 64 KiB messages.
  for (let i = 0; i < 3000; i++) add.push({ name: `host${i}`, type: 'TXT', content: `"host number ${i} with some padding text to make it longer"` });
  add.push({ name: 'ns1', type: 'A', content: '192.0.2.1' }, { name: 'ns2', type: 'A', content: '192.0.2.2' });
  await applyChangeset('xfr.test', { add }, actor);
  await createZone({ name: 'acl.test' }, actor);
  await setZoneOptions('acl.test', { allowTransfer: ['192.0.2.0/24'] }, actor);
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 100 });
  port = worker.dns[0]!.port;
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
});

afterAll(async () => {
  await worker?.stop();
});

async function waitServed(zone: string, serial: number): Promise<void> {
  for (let i = 0; i < 50 && worker.store.get(zone)?.serial !== serial; i++) await new Promise((r) => setTimeout(r, 50));
}

describe('AXFR', () => {
  it('sends SOA first and last and every record once, in messages of at most 64 KiB', async () => {
    const r = await transfer(port, 'xfr.test.', 'AXFR');
    expect(r.messages.every((m) => m.rcode === RCODE.NOERROR && m.aa)).toBe(true);
    expect(r.messages.length).toBeGreaterThan(2);
    expect(r.raw.every((b) => b.length <= 65535)).toBe(true);
    expect(r.records[0]!.type).toBe('SOA');
    expect(r.records.at(-1)!.type).toBe('SOA');
    const body = r.records.slice(1, -1);
    expect(body.some((x) => x.type === 'SOA')).toBe(false);
    const zone = await getZone('xfr.test');
    expect(body.length).toBe(zone!.records.length - 1);
    expect(new Set(body.map(rrText)).size).toBe(body.length);
  });

  it('answers two transfers and a query pipelined on one connection', async () => {
    const q1 = encodeMessage(transferQuery('xfr.test.', 'AXFR')).buf;
    const q2 = encodeMessage(transferQuery('xfr.test.', 'AXFR')).buf;
    const [a, b] = await transferMany(port, [q1, q2]);
    expect(a!.records.length).toBe(b!.records.length);
    expect(a!.records.length).toBeGreaterThan(3000);
  });

  it('is not served over UDP', async () => {
    expect((await ask(port, 'xfr.test.', 'AXFR')).rcode).toBe(RCODE.NOTIMP);
  });

  it('refuses peers outside allow-transfer and records why', async () => {
    const r = await transfer(port, 'acl.test.', 'AXFR');
    expect(r.messages[0]!.rcode).toBe(RCODE.REFUSED);
    const ev = await db().zoneEvent.findFirst({ where: { zoneName: 'acl.test.', kind: 'axfr-out' }, orderBy: { id: 'desc' } });
    expect(ev).toMatchObject({ outcome: 'refused', peer: '127.0.0.1' });
    expect(ev!.detail).toMatch(/not in allow-transfer/);
  });

  it('says NOTAUTH for a name inside a zone that is not a zone apex, REFUSED outside our zones', async () => {
    expect((await transfer(port, 'host1.xfr.test.', 'AXFR')).messages[0]!.rcode).toBe(RCODE.NOTAUTH);
    expect((await transfer(port, 'elsewhere.example.', 'AXFR')).messages[0]!.rcode).toBe(RCODE.REFUSED);
  });
});

describe('IXFR', () => {
  it('sends only the differences since the client serial, change by change', async () => {
    const before = (await getZone('xfr.test'))!.serial;
    const c1 = await applyChangeset('xfr.test', { add: [{ name: 'new1', type: 'A', content: '192.0.2.10' }] }, actor);
    const c2 = await applyChangeset('xfr.test', { remove: [{ name: 'host5', type: 'TXT' }], add: [{ name: 'new2', type: 'A', content: '192.0.2.11' }] }, actor);
    await waitServed('xfr.test.', c2.newSerial);
    const r = await transfer(port, 'xfr.test.', 'IXFR', { serial: before });
    const seq = r.records.map((x) => (x.type === 'SOA' ? `SOA ${(x.data as { serial: number }).serial}` : `${x.name.toLowerCase()} ${x.type}`));
    expect(seq).toEqual([
      `SOA ${c2.newSerial}`,
      `SOA ${before}`,
      `SOA ${c1.newSerial}`,
      'new1.xfr.test. A',
      `SOA ${c1.newSerial}`,
      'host5.xfr.test. TXT',
      `SOA ${c2.newSerial}`,
      'new2.xfr.test. A',
      `SOA ${c2.newSerial}`,
    ]);
    // The event is written after the last message went out: the client may read first (seen on PostgreSQL under load).
    const ev = await eventually(
      () => db().zoneEvent.findFirst({ where: { zoneName: 'xfr.test.', kind: 'ixfr-out' }, orderBy: { id: 'desc' } }),
      (e) => e !== null,
      2000,
    );
    expect(ev).toMatchObject({ outcome: 'ok', records: 9 });
    expect(ev!.detail).toMatch(/^ixfr/);
  });

  it('sends one SOA to a client that is current, over TCP and over UDP', async () => {
    const serial = (await getZone('xfr.test'))!.serial;
    const tcp = await transfer(port, 'xfr.test.', 'IXFR', { serial });
    expect(tcp.records.map((x) => x.type)).toEqual(['SOA']);
    const udpQuery = transferQuery('xfr.test.', 'IXFR', serial - 1);
    const { sendRaw } = await import('../testing/dns-client');
    const { decodeMessage } = await import('../dns/wire');
    const udp = decodeMessage((await sendRaw(port, encodeMessage(udpQuery).buf, 'udp'))!);
    expect(udp.answers.map((x) => x.type)).toEqual(['SOA']);
    expect((udp.answers[0]!.data as { serial: number }).serial).toBe(serial);
  });

  it('sends a zone file import as one difference sequence, however many records it changed', async () => {
    const file = (text: string, serial: number) =>
      [`$ORIGIN imp-xfr.test.`, '$TTL 300', `@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300`, '@ IN NS ns1', 'ns1 IN A 192.0.2.1']
        .concat(Array.from({ length: 3000 }, (_, i) => `host${i} IN TXT "${text} ${i}"`))
        .join('\n');
    await importZone('imp-xfr.test', file('first', 10), actor);
    // Every TXT changes: more records than one journal row holds (lib/zones/journal.ts JOURNAL_PIECE).
    const imported = await importZone('imp-xfr.test', file('second', 11), actor);
    expect(imported).toMatchObject({ changed: true, oldSerial: 10, newSerial: 11 });
    expect([imported.removed.length, imported.added.length]).toEqual([3000, 3000]);
    await waitServed('imp-xfr.test.', 11);
    const r = await transfer(port, 'imp-xfr.test.', 'IXFR', { serial: 10 });
    const soaAt = r.records.flatMap((x, i) => (x.type === 'SOA' ? [`${i} ${(x.data as { serial: number }).serial}`] : []));
    // RFC 1995 §4: new SOA, old SOA, what went, new SOA, what came, new SOA.
    expect(soaAt).toEqual(['0 11', '1 10', '3002 11', '6003 11']);
    const txt = (from: number, to: number) => new Set(r.records.slice(from, to).map((x) => `${x.name.toLowerCase()} ${Buffer.concat(x.data as Buffer[]).toString()}`));
    expect(txt(2, 3002)).toEqual(new Set(Array.from({ length: 3000 }, (_, i) => `host${i}.imp-xfr.test. first ${i}`)));
    expect(txt(3003, 6003)).toEqual(new Set(Array.from({ length: 3000 }, (_, i) => `host${i}.imp-xfr.test. second ${i}`)));
  });

  it('falls back to the whole zone when the journal does not reach back', async () => {
    // 4294967295 is just behind our small serials across the RFC 1982 wrap, and never journaled.
    const r = await transfer(port, 'xfr.test.', 'IXFR', { serial: 4294967295 });
    expect(r.records[1]!.type).not.toBe('SOA');
    expect(r.records.length).toBeGreaterThan(3000);
  });
});

describe('TSIG', () => {
  let key: TsigKey;
  let other: TsigKey;

  beforeAll(async () => {
    const k = await createTsigKey('xfr-key', 'hmac-sha256');
    const o = await createTsigKey('other-key', 'hmac-sha512');
    key = signingKey(k);
    other = signingKey(o);
    await createZone({ name: 'signed.test' }, actor);
    await applyChangeset('signed.test', { add: Array.from({ length: 2500 }, (_, i) => ({ name: `h${i}`, type: 'TXT', content: `"padding padding padding padding ${i}"` })) }, actor);
    await setZoneOptions('signed.test', { tsig: 'xfr-key' }, actor);
    for (let i = 0; i < 50 && worker.store.get('signed.test.')?.transfer.tsigKeyName !== 'xfr-key.'; i++) await new Promise((r) => setTimeout(r, 50));
  });

  it('transfers to a client with the key, every message signed in a chain', async () => {
    const r = await transfer(port, 'signed.test.', 'AXFR', { key });
    expect(r.messages.length).toBeGreaterThan(1);
    expect(r.tsig).toBe('ok');
    expect(r.records.length).toBeGreaterThan(2500);
  });

  it('answers NOTAUTH without the key or with another key', async () => {
    expect((await transfer(port, 'signed.test.', 'AXFR')).messages[0]!.rcode).toBe(RCODE.NOTAUTH);
    const wrong = await transfer(port, 'signed.test.', 'AXFR', { key: other });
    expect(wrong.messages[0]!.rcode).toBe(RCODE.NOTAUTH);
    const forged = await transfer(port, 'signed.test.', 'AXFR', { key: { ...key, secret: Buffer.alloc(32, 1) } });
    expect(forged.messages[0]!.rcode).toBe(RCODE.NOTAUTH);
  });
});

describe('guards on the transfer path', () => {
  // Regression: the TCP listener handed anything that looked like AXFR/IXFR to the
  // transfer code before the handler's guards, so these all got the whole zone.
  const variants: { what: string; patch: (b: Buffer) => Buffer; rcode: number | null }[] = [
    // As an UPDATE its zone section names type AXFR, not SOA (RFC 2136 §3.1.1).
    { what: 'opcode UPDATE → FORMERR', patch: (b) => { b[2] = (b[2]! & 0x87) | (5 << 3); return b; }, rcode: RCODE.FORMERR },
    { what: 'QR set → no reply', patch: (b) => { b[2] = b[2]! | 0x80; return b; }, rcode: null },
    { what: 'class CH → REFUSED', patch: (b) => { b.writeUInt16BE(3, b.length - 2); return b; }, rcode: RCODE.REFUSED },
  ];
  it.each(variants)('$what', async ({ patch, rcode }) => {
    const q = patch(Buffer.from(encodeMessage(transferQuery('xfr.test.', 'AXFR')).buf));
    const { sendRaw } = await import('../testing/dns-client');
    const { decodeMessage } = await import('../dns/wire');
    const raw = await sendRaw(port, q, 'tcp', 1000);
    if (rcode === null) expect(raw).toBeNull();
    else {
      const m = decodeMessage(raw!);
      expect(m.rcode).toBe(rcode);
      expect(m.answers).toEqual([]);
    }
  });

  it('EDNS version 1 → BADVERS, with no zone data', async () => {
    const q = transferQuery('xfr.test.', 'AXFR');
    q.edns = { udpSize: 1232, version: 1, dnssecOk: false, options: [] };
    q.ednsCount = 1;
    const { sendRaw } = await import('../testing/dns-client');
    const { decodeMessage } = await import('../dns/wire');
    const m = decodeMessage((await sendRaw(port, encodeMessage(q).buf, 'tcp', 1000))!);
    expect(m.rcode).toBe(RCODE.BADVERS);
    expect(m.answers).toEqual([]);
  });

  it('a TSIG record that is not last → FORMERR, not NOTAUTH', async () => {
    const { signMessage } = await import('../dns/tsig');
    const k = await createTsigKey('misplaced-key', 'hmac-sha256');
    const key = signingKey(k);
    await new Promise((r) => setTimeout(r, 250));
    const signed = signMessage(encodeMessage(transferQuery('xfr.test.', 'AXFR')).buf, key).message;
    // Append an OPT record after the TSIG and count it.
    const opt = Buffer.from([0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0]);
    const bad = Buffer.concat([signed, opt]);
    bad.writeUInt16BE(bad.readUInt16BE(10) + 1, 10);
    const { sendRaw } = await import('../testing/dns-client');
    const { decodeMessage } = await import('../dns/wire');
    const m = decodeMessage((await sendRaw(port, bad, 'tcp', 1000))!);
    expect(m.rcode).toBe(RCODE.FORMERR);
  });
});

describe('names with a dot inside a label', () => {
  // Regression: "x.xfr" as one label under test. was taken as x under xfr.test.
  it('are not taken for names in the zone below', async () => {
    const { sendRaw } = await import('../testing/dns-client');
    const { decodeMessage } = await import('../dns/wire');
    // Label "x.xfr" (5 bytes) then "test" then root; type A, class IN.
    const q = Buffer.concat([Buffer.from('000500000001000000000000', 'hex'), Buffer.from([5]), Buffer.from('x.xfr'), Buffer.from([4]), Buffer.from('test'), Buffer.from([0, 0, 1, 0, 1])]);
    for (const transport of ['udp', 'udp', 'tcp'] as const) {
      const m = decodeMessage((await sendRaw(port, q, transport, 1000))!);
      expect(m.rcode).toBe(RCODE.REFUSED);
    }
  });
});
