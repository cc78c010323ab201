// DNS UPDATE through the real worker (update.ts): who may update what, and
// what happens when many update at once. The RFC 2136 semantics are tested
// in lib/zones/dns-update.test.ts, the comparison with BIND in
// update-bind-differential.test.ts, real clients in update-clients.test.ts.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { signMessage, verifyMessage, type TsigKey } from '../dns/tsig';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { decodeMessage, rcodeName } from '../dns/wire';
import { ask, eventually, sendRaw } from '../testing/dns-client';
import { buildUpdate, type UpdateRR } from '../testing/update-builder';
import { applyChangeset } from '../zones/changes';
import { createTsigKey, signingKey } from '../zones/tsig-keys';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
const A = 'alpha.test.';
const B = 'beta.test.';
const SECONDARY = 'copy.test.';

const add = (zone: string, label: string, address: string): UpdateRR => ({ name: `${label}.${zone}`, type: 'A', ttl: 300, content: address });

/** Sends one UPDATE and returns its rcode's name and the raw answer. */
async function update(port: number, zone: string, updates: UpdateRR[], key?: TsigKey, transport: 'udp' | 'tcp' = 'udp') {
  const raw = buildUpdate(zone, [], updates);
  const signed = key ? signMessage(raw, key) : null;
  const answer = await sendRaw(port, signed ? signed.message : raw, transport, 5000);
  if (!answer) throw new Error(`no answer to an UPDATE of ${zone}`);
  return { rcode: rcodeName(decodeMessage(answer).rcode), answer, requestMac: signed?.mac };
}

const serialOf = async (zone: string) => Number((await db().zone.findUniqueOrThrow({ where: { name: zone } })).serial);
const changesOf = async (zone: string) => db().change.findMany({ where: { zone: { name: zone } }, orderBy: { id: 'asc' } });
const updateEvents = async (zone: string) => db().zoneEvent.findMany({ where: { zoneName: zone, kind: 'update' }, orderBy: { id: 'asc' } });

let keyA: TsigKey;
let keyB: TsigKey;
let worker: RunningWorker;
let port = 0;

beforeAll(async () => {
  keyA = signingKey(await createTsigKey('alpha-key', 'hmac-sha256'));
  keyB = signingKey(await createTsigKey('beta-key', 'hmac-sha256'));
  for (const [zone, key] of [[A, 'alpha-key'], [B, 'beta-key']] as const) {
    await createZone({ name: zone, nameservers: [`ns1.${zone}`] }, actor);
    await applyChangeset(zone, { add: [{ name: 'ns1', type: 'A', content: '127.0.0.1' }] }, actor);
    await setZoneOptions(zone, { updatePolicy: [`grant ${key} zonesub ANY`] }, actor);
  }
  await createZone({ name: SECONDARY, kind: 'secondary', primaries: ['127.0.0.1:1'] }, actor);
  // Two answering threads: a UDP UPDATE may reach either, and must be applied once.
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 100, threads: 2, probe: { intervalMs: 0 } });
  port = worker.dns[0]!.port;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe('who may update', () => {
  it('applies a signed UPDATE granted by the policy, answers it signed, and names the key in the changelog', async () => {
    const before = await serialOf(A);
    const r = await update(port, A, [add(A, 'www', '192.0.2.1')], keyA);
    expect(r.rcode).toBe('NOERROR');
    expect(verifyMessage(r.answer, (n) => (n === keyA.name ? keyA : undefined), { requestMac: r.requestMac }).status).toBe('ok');
    expect(await serialOf(A)).toBe(before + 1);
    expect((await changesOf(A)).at(-1)!.actor).toBe('tsig key alpha-key');
    const served = await eventually(() => ask(port, `www.${A}`, 'A'), (m) => m.answers.length > 0, 2000);
    expect(served.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    expect((await updateEvents(A)).at(-1)).toMatchObject({ outcome: 'ok', detail: expect.stringContaining('alpha-key') });
  });

  it('refuses an unsigned UPDATE, and records why', async () => {
    const before = await serialOf(A);
    expect((await update(port, A, [add(A, 'anon', '192.0.2.2')])).rcode).toBe('REFUSED');
    expect(await serialOf(A)).toBe(before);
    expect((await updateEvents(A)).at(-1)).toMatchObject({ outcome: 'refused', detail: expect.stringContaining('not signed') });
  });

  it("refuses another zone's key, naming the key, the name and the missing rule", async () => {
    const before = await serialOf(A);
    expect((await update(port, A, [add(A, 'intruder', '192.0.2.3')], keyB, 'tcp')).rcode).toBe('REFUSED');
    expect(await serialOf(A)).toBe(before);
    const event = (await updateEvents(A)).at(-1)!;
    expect(event.outcome).toBe('refused');
    expect(event.detail).toContain('beta-key');
    expect(event.detail).toContain(`intruder.${A}`);
  });

  it('answers NOTAUTH with the TSIG error for a key we do not know, and for a forged signature', async () => {
    const unknown = await update(port, A, [add(A, 'x', '192.0.2.4')], { ...keyA, name: 'nobody.' });
    expect(unknown.rcode).toBe('NOTAUTH');
    const forged = await update(port, A, [add(A, 'x', '192.0.2.4')], { ...keyA, secret: Buffer.alloc(32, 9) });
    expect(forged.rcode).toBe('NOTAUTH');
    expect(await ask(port, `x.${A}`, 'A').then((m) => m.answers)).toEqual([]);
  });

  it('answers NOTAUTH for a zone we do not serve, and REFUSED for a secondary zone', async () => {
    expect((await update(port, 'elsewhere.test.', [add('elsewhere.test.', 'x', '192.0.2.5')], keyA)).rcode).toBe('NOTAUTH');
    expect((await update(port, SECONDARY, [add(SECONDARY, 'x', '192.0.2.6')], keyA)).rcode).toBe('REFUSED');
  });

  it('refuses every UPDATE on a read-only worker, and writes nothing', async () => {
    const readOnly = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, readOnly: true, probe: { intervalMs: 0 } });
    try {
      const before = await serialOf(A);
      const events = (await updateEvents(A)).length;
      expect((await update(readOnly.dns[0]!.port, A, [add(A, 'ro', '192.0.2.7')], keyA)).rcode).toBe('REFUSED');
      expect(await serialOf(A)).toBe(before);
      expect((await updateEvents(A)).length).toBe(events);
    } finally {
      await readOnly.stop();
    }
  });
});

describe('many at once', () => {
  it('applies UDP UPDATEs once each, whichever thread receives them', async () => {
    const before = await serialOf(B);
    const changes = (await changesOf(B)).length;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => update(port, B, [add(B, `udp${i}`, `192.0.2.${i + 1}`)], keyB)));
    expect(results.map((r) => r.rcode)).toEqual(results.map(() => 'NOERROR'));
    expect(await serialOf(B)).toBe(before + 40);
    expect((await changesOf(B)).length).toBe(changes + 40);
  });

  it('applies 1,000 UPDATEs from 10 clients at once: none lost, consecutive serials, one change each', { timeout: 120_000 }, async () => {
    const before = await serialOf(B);
    const changes = (await changesOf(B)).length;
    // Each client keeps one TCP connection and sends its next UPDATE when the last is answered.
    const client = (c: number) =>
      new Promise<string[]>((resolve, reject) => {
        const rcodes: string[] = [];
        const reader = new TcpFrameReader();
        const sock = net.connect({ port, host: '127.0.0.1' });
        const next = () => {
          const i = rcodes.length;
          if (i === 100) return void sock.end(() => resolve(rcodes));
          sock.write(frame(signMessage(buildUpdate(B, [], [add(B, `c${c}-${i}`, `198.51.100.${(i % 250) + 1}`)]), keyB).message));
        };
        sock.on('connect', next);
        sock.on('data', (chunk) => {
          for (const m of reader.push(chunk)) {
            rcodes.push(rcodeName(decodeMessage(m).rcode));
            next();
          }
        });
        sock.on('error', reject);
      });
    const all = (await Promise.all(Array.from({ length: 10 }, (_, c) => client(c)))).flat();
    expect(all.filter((r) => r !== 'NOERROR')).toEqual([]);
    expect(all).toHaveLength(1000);
    expect(await serialOf(B)).toBe(before + 1000);
    const made = (await changesOf(B)).slice(changes);
    expect(made).toHaveLength(1000);
    // One serial step per change, none skipped or repeated.
    expect(made.every((c, i) => Number(c.oldSerial) === before + i && Number(c.newSerial) === before + i + 1)).toBe(true);
    expect(new Set(made.map((c) => c.actor))).toEqual(new Set(['tsig key beta-key']));
    const records = await db().record.count({ where: { zone: { name: B }, name: { startsWith: 'c' } } });
    expect(records).toBe(1000);
  });
});
