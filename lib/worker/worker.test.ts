// The real worker on 127.0.0.1 port 0 with its own SQLite file: what a
// resolver or dig would see, over UDP and TCP, and how fast a commit shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, eventually, sendRaw } from '../testing/dns-client';
import { RCODE } from '../dns/wire';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
let worker: RunningWorker;
let port: number;

beforeAll(async () => {
  await createZone({ name: 'served.test', nameservers: ['ns1.served.test.'] }, actor);
  await applyChangeset(
    'served.test',
    {
      add: [
        { name: 'ns1', type: 'A', content: '192.0.2.53' },
        { name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' },
        { name: 'www', type: 'AAAA', ttl: 300, content: '2001:db8::1' },
        { name: '@', type: 'MX', content: '10 mail' },
        { name: 'mail', type: 'A', content: '192.0.2.25' },
        { name: 'txt', type: 'TXT', content: '"hello world"' },
      ],
    },
    actor,
  );
  // A long poll interval proves that the nudge, not the timer, delivers changes.
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000 });
  port = worker.dns[0]!.port;
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
});

afterAll(async () => {
  await worker?.stop();
});

describe.each(['udp', 'tcp'] as const)('over %s', (transport) => {
  it('answers the SOA authoritatively, echoing the question', async () => {
    const r = await ask(port, 'SERVED.test.', 'SOA', { transport, edns: 1232 });
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.aa).toBe(true);
    expect(r.questions[0]?.name).toBe('SERVED.test.');
    expect(r.answers).toHaveLength(1);
    // Compression points the owner at the question, so it may carry the client's case (as NSD's does).
    expect(r.answers[0]!.name.toLowerCase()).toBe('served.test.');
    expect(r.answers[0]!.type).toBe('SOA');
    expect((r.answers[0]!.data as { mname: string }).mname.toLowerCase()).toBe('ns1.served.test.');
  });

  it('answers every stored type at its exact name', async () => {
    const a = await ask(port, 'www.served.test.', 'A', { transport });
    expect(a.answers.map((x) => x.data)).toEqual(['192.0.2.1']);
    expect(a.answers[0]!.ttl).toBe(300);
    const aaaa = await ask(port, 'www.served.test.', 'AAAA', { transport });
    expect(aaaa.answers.map((x) => x.data)).toEqual(['2001:db8::1']);
    const mx = await ask(port, 'served.test.', 'MX', { transport });
    expect(mx.answers).toHaveLength(1);
    // RFC 1035 §3.3.9: the exchange's address comes along in the additional section.
    expect(mx.additionals.map((x) => x.data)).toContain('192.0.2.25');
    const txt = await ask(port, 'txt.served.test.', 'TXT', { transport });
    expect((txt.answers[0]!.data as Buffer[]).map(String)).toEqual(['hello world']);
  });

  it('says NXDOMAIN for a missing name and NODATA for a missing type, with the SOA', async () => {
    const nx = await ask(port, 'nope.served.test.', 'A', { transport });
    expect(nx.rcode).toBe(RCODE.NXDOMAIN);
    expect(nx.aa).toBe(true);
    expect(nx.answers).toEqual([]);
    expect(nx.authorities.map((x) => x.type)).toEqual(['SOA']);
    // RFC 2308 §5: the negative TTL is min(SOA TTL, SOA minimum).
    expect(nx.authorities[0]!.ttl).toBe(3600);
    const nodata = await ask(port, 'www.served.test.', 'MX', { transport });
    expect(nodata.rcode).toBe(RCODE.NOERROR);
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities.map((x) => x.type)).toEqual(['SOA']);
  });

  it('refuses names outside our zones', async () => {
    const r = await ask(port, 'example.org.', 'SOA', { transport });
    expect(r.rcode).toBe(RCODE.REFUSED);
    expect(r.aa).toBe(false);
  });
});

describe('changes', () => {
  it('serves a record committed through the change service within a second', async () => {
    const started = Date.now();
    await applyChangeset('served.test', { add: [{ name: 'new', type: 'A', content: '192.0.2.77' }] }, actor);
    const r = await eventually(() => ask(port, 'new.served.test.', 'A'), (m) => m.answers.length > 0, 1000);
    expect(r.answers.map((x) => x.data)).toEqual(['192.0.2.77']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('serves a zone created after start, and stops serving a deleted one', async () => {
    await createZone({ name: 'later.test' }, actor);
    const r = await eventually(() => ask(port, 'later.test.', 'SOA'), (m) => m.rcode === RCODE.NOERROR, 1000);
    expect(r.aa).toBe(true);
    const { deleteZone } = await import('../zones/zone-lifecycle');
    await deleteZone('later.test', actor);
    const gone = await eventually(() => ask(port, 'later.test.', 'SOA'), (m) => m.rcode === RCODE.REFUSED, 1000);
    expect(gone.rcode).toBe(RCODE.REFUSED);
  });
});

describe('hostile input', () => {
  it('answers garbage with FORMERR and stays up', async () => {
    const garbage = Buffer.from('0102000000010000000000000377777700', 'hex'); // question cut short
    const reply = await sendRaw(port, garbage, 'udp');
    expect(reply).not.toBeNull();
    expect(reply!.readUInt16BE(0)).toBe(0x0102);
    expect(reply![3]! & 0x0f).toBe(RCODE.FORMERR);
    const still = await ask(port, 'served.test.', 'SOA');
    expect(still.rcode).toBe(RCODE.NOERROR);
  });

  it('does not reply to a response (QR set) or a runt packet', async () => {
    const resp = Buffer.from('abcd8000000000000000000000', 'hex');
    expect(await sendRaw(port, resp, 'udp', 300)).toBeNull();
    expect(await sendRaw(port, Buffer.from('abcd', 'hex'), 'udp', 300)).toBeNull();
  });
});
