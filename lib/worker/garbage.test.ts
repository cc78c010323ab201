// Robustness of the real worker against hostile input (issue 3): 100,000 random and mutated
// packets over UDP, then garbage, half frames and idle connections over TCP. The worker runs in
// a child process so its memory can be read from /proc and a crash shows as an exit. The
// packets come from a seeded generator: ZK_FUZZ_SEED=<n> reproduces a run, ZK_FUZZ_COUNT=<n>
// changes its size.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUpdateMessage } from '../dns/update-message';
import { decodeMessage, OPCODE, RCODE, rcodeName, type Message } from '../dns/wire';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { ask } from '../testing/dns-client';
import { PacketFuzzer, Prng, query, type FuzzKind, type FuzzPacket } from '../testing/packet-fuzz';
import { applyChangeset } from '../zones/changes';
import type { TsigKey } from '../dns/tsig';
import { createTsigKey, signingKey } from '../zones/tsig-keys';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { EDNS_UDP_LIMIT } from './handler';

const SEED = Number(process.env.ZK_FUZZ_SEED ?? 20261124);
const COUNT = Number(process.env.ZK_FUZZ_COUNT ?? 100_000);
const ZONE = 'fuzz.test.';
// One client (127.0.0.1) runs every session here: its own cap is the total, so the total is what is tested.
const TCP = { idleTimeoutMs: 1000, maxConnections: 40, maxPerClient: 40 };
const actor = { name: 'test' };

// ---------------------------------------------------------------------------------------------
// The worker in a child process, driven over IPC.

const workerModule = fileURLToPath(new URL('./worker.ts', import.meta.url));
const CHILD = `
const { startWorker } = await import(${JSON.stringify(workerModule)});
const w = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 600000, tcp: JSON.parse(process.env.ZK_TEST_TCP) });
process.on('message', async (m) => {
  if (m === 'mem') { globalThis.gc(); globalThis.gc(); const u = process.memoryUsage(); process.send({ heapUsed: u.heapUsed, rss: u.rss }); }
  if (m === 'stop') { await w.stop(); process.exit(0); }
});
process.on('disconnect', () => process.exit(0));
process.send({ port: w.dns[0].port });
`;

let child: ChildProcess;
let port = 0;
let childExit: string | null = null;
/** What the worker logged (pino JSON lines, level ≥ warn). */
const workerLog: { level?: number; msg?: string; err?: string }[] = [];

function request<T>(msg: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not answer "${msg}" over IPC`)), 5000);
    child.once('message', (m) => {
      clearTimeout(t);
      resolve(m as T);
    });
    child.send(msg);
  });
}

interface Memory {
  rssMb: number;
  peakRssMb: number;
  heapMb: number;
}

/** RSS and its peak from /proc (what the kernel charges), heap after a full GC (what we hold). */
async function memory(): Promise<Memory> {
  const { heapUsed } = await request<{ heapUsed: number }>('mem');
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024), heapMb: Math.round(heapUsed / 1048576) };
}

function alive(): void {
  expect(childExit, 'the worker process exited').toBeNull();
  expect(child.exitCode).toBeNull();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let updateKey: TsigKey;

beforeAll(async () => {
  await createZone({ name: 'fuzz.test', nameservers: ['ns1.fuzz.test.'] }, actor);
  await applyChangeset(
    'fuzz.test',
    {
      add: [
        { name: 'ns1', type: 'A', content: '192.0.2.53' },
        { name: 'www', type: 'A', content: '192.0.2.1' },
        { name: 'www', type: 'AAAA', content: '2001:db8::1' },
        { name: 'mail', type: 'A', content: '192.0.2.25' },
        { name: '@', type: 'MX', content: '10 mail' },
        { name: 'alias', type: 'CNAME', content: 'www' },
        { name: '*.wild', type: 'A', content: '192.0.2.99' },
        { name: 'sub', type: 'NS', content: 'ns.sub' },
        { name: 'ns.sub', type: 'A', content: '192.0.2.54' },
        // An RRset too big for 512 bytes: TC over UDP without EDNS, whole over TCP.
        ...Array.from({ length: 40 }, (_, i) => ({ name: 'big', type: 'TXT', content: `"record ${i} ${'x'.repeat(30)}"` })),
      ],
    },
    actor,
  );
  // UPDATEs signed with this key get past the key check; the policy lets them change names under
  // upd.fuzz.test. only, so the names the last test asks for stay as they are.
  const k = await createTsigKey('fuzz-update', 'hmac-sha256');
  updateKey = signingKey(k);
  await setZoneOptions('fuzz.test', { updatePolicy: ['grant fuzz-update subdomain upd.fuzz.test. ANY'] }, actor);
  child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', '--input-type=module', '-e', CHILD], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    // Warnings and errors on: an exception while answering garbage is a bug even if it is caught.
    // RRL off: 100,000 packets from one address are a flood it would rightly cut (rrl.test.ts tests that).
    env: { ...process.env, ZK_TEST_TCP: JSON.stringify(TCP), ZK_LOG_LEVEL: 'warn', ZK_RRL_RESPONSES_PER_SECOND: '0' },
  });
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: { level?: number; msg?: string; err?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = { level: 50, msg: line };
    }
    // Kept bounded: a log line per refused request is the worker's choice, not a leak here.
    if (workerLog.length < 10_000) workerLog.push(entry);
    if ((entry.level ?? 0) >= 50) console.error(`worker: ${line}`);
  });
  child.on('exit', (code, signal) => {
    childExit = `exit code ${code}, signal ${signal}`;
  });
  port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', () => reject(new Error(`worker child exited before listening (${childExit})`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null && !childExit) {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
});

// ---------------------------------------------------------------------------------------------
// Checking replies

/** What the rcode table promises: a reply for everything with a header and QR clear. */
function expectsReply(q: Buffer): boolean {
  return q.length >= 12 && (q[2]! & 0x80) === 0;
}

const KNOWN_RCODES = new Set<number>(Object.values(RCODE));

/** Returns what is wrong with `reply` as the answer to `q`, or null. */
function checkReply(q: Buffer, reply: Buffer, transport: 'udp' | 'tcp'): { problem: string | null; rcode: number } {
  let m: Message;
  try {
    m = decodeMessage(reply);
  } catch (err) {
    return { problem: `undecodable reply: ${(err as Error).message}`, rcode: -1 };
  }
  const bad = (problem: string) => ({ problem, rcode: m.rcode });
  if (!expectsReply(q)) return bad('a reply to a runt or to a message with QR set');
  if (m.id !== q.readUInt16BE(0)) return bad(`reply ID ${m.id} for query ID ${q.readUInt16BE(0)}`);
  if (!m.qr) return bad('QR clear in the reply');
  if (m.opcode !== ((q[2]! >> 3) & 0x0f)) return bad(`opcode ${m.opcode} for a query with opcode ${(q[2]! >> 3) & 0x0f}`);
  if (!KNOWN_RCODES.has(m.rcode)) return bad(`unexpected rcode ${m.rcode}`);
  if (transport === 'udp') {
    const limit = m.edns ? EDNS_UDP_LIMIT : 512;
    if (reply.length > limit) return bad(`a ${reply.length}-byte UDP reply over its ${limit}-byte limit`);
  }
  // An UPDATE is read by its own reader (records without rdata are no error there): what it
  // cannot read must be answered with its rcode; what it can, with the zone section copied as sent.
  if (((q[2]! >> 3) & 0x0f) === OPCODE.UPDATE) {
    const u = readUpdateMessage(q);
    if (!u.ok) return m.rcode === RCODE[u.rcode] ? { problem: null, rcode: m.rcode } : bad(`rcode ${m.rcode} for an UPDATE its reader calls ${u.rcode}: ${u.reason}`);
    if (u.update.edns && !m.edns) return bad('UPDATE with EDNS answered without OPT');
    if (!u.update.edns && m.edns) return bad('OPT in the reply to an UPDATE without EDNS');
    if (m.questions.length !== 1 || m.questions[0]!.name !== u.update.zoneAsSent) return bad(`zone section ${JSON.stringify(m.questions)} for ${u.update.zoneAsSent}`);
    return { problem: null, rcode: m.rcode };
  }
  let qm: Message | null = null;
  try {
    qm = decodeMessage(q);
  } catch {
    // An undecodable query: the reply has no question to compare.
  }
  if (qm) {
    if (qm.edns && !m.edns && m.rcode !== RCODE.FORMERR) return bad('EDNS query answered without OPT');
    if (!qm.edns && m.edns) return bad('OPT in the reply to a query without EDNS');
    if (m.questions.length > 0 && JSON.stringify(m.questions) !== JSON.stringify(qm.questions)) {
      return bad(`question ${JSON.stringify(m.questions)} echoed for ${JSON.stringify(qm.questions)}`);
    }
  } else if (m.rcode !== RCODE.FORMERR) {
    return bad(`rcode ${m.rcode} for an undecodable query`);
  }
  return { problem: null, rcode: m.rcode };
}

function decodes(b: Buffer): boolean {
  try {
    decodeMessage(b);
    return true;
  } catch {
    return false;
  }
}

interface Tally {
  sent: number;
  replies: number;
  byRcode: Map<string, number>;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------

describe('the worker under garbage', () => {
  let before: Memory;

  it('answers before the flood', async () => {
    for (let i = 0; i < 200; i++) await ask(port, 'www.fuzz.test.', 'A', { edns: i % 2 ? 1232 : false });
    await ask(port, 'www.fuzz.test.', 'A', { transport: 'tcp' });
    before = await memory();
    alive();
  });

  it(`survives ${COUNT} random and mutated UDP packets`, { timeout: 120_000 }, async () => {
    const started = Date.now();
    const fuzzer = new PacketFuzzer(SEED, [ZONE], ['www', 'mail', 'alias', 'big', 'x.wild', 'sub', 'ns.sub'], updateKey);
    // Every prefix of a few real queries first, then the random mix.
    const sweep = [
      query({ name: 'www.fuzz.test.', type: 1 }),
      query({ name: 'Big.Fuzz.Test.', type: 16, rd: true, edns: { udpSize: 4096, dnssecOk: true } }),
      query({ name: 'fuzz.test.', type: 255, edns: { udpSize: 1232, options: Buffer.from('000a00080102030405060708', 'hex') } }),
    ].flatMap((q) => [...PacketFuzzer.truncations(q), { kind: 'valid' as FuzzKind, what: 'whole', bytes: q }]);
    const packets = (i: number): FuzzPacket => (i < sweep.length ? sweep[i]! : fuzzer.next());

    // Each query gets the next ID modulo 2^16, so a reply names its query.
    const inFlight: (FuzzPacket | undefined)[] = new Array(65536);
    const answered = new Uint8Array(65536);
    const byKind = new Map<FuzzKind, Tally>();
    const problems: string[] = [];
    let replies = 0;
    let expected = 0;
    let nextId = 0;
    // Replies still owed for the packets in flight, and the callback of the sender waiting for them.
    let owed = 0;
    let caughtUp: (() => void) | null = null;

    const client = dgram.createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    client.on('message', (reply) => {
      replies++;
      if (reply.length < 2) return void problems.push(`a ${reply.length}-byte reply`);
      const id = reply.readUInt16BE(0);
      const p = inFlight[id];
      if (!p) return void problems.push(`reply with unknown ID ${id}`);
      if (answered[id]++) return void problems.push(`second reply to #${id} (${p.kind}: ${p.what})`);
      const { problem, rcode } = checkReply(p.bytes, reply, 'udp');
      const t = byKind.get(p.kind)!;
      t.replies++;
      count(t.byRcode, rcodeName(rcode));
      if (problem && problems.length < 50) problems.push(`${problem} (${p.kind}: ${p.what}; query ${p.bytes.toString('hex')})`);
      if (--owed <= 0) caughtUp?.();
    });

    /** Sends packets at once and waits for their replies (at most `waitMs`); returns those unanswered. */
    const volley = async (batch: FuzzPacket[], waitMs: number): Promise<FuzzPacket[]> => {
      const ids: number[] = [];
      owed = 0;
      for (const p of batch) {
        const id = nextId++ & 0xffff;
        // The ID is two bytes of the packet; runts shorter than that keep what they have.
        if (p.bytes.length >= 2) p.bytes.writeUInt16BE(id, 0);
        inFlight[id] = p;
        answered[id] = 0;
        if (expectsReply(p.bytes)) {
          expected++;
          owed++;
          ids.push(id);
        }
        client.send(p.bytes, port, '127.0.0.1');
      }
      if (owed > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => ((caughtUp = null), resolve()), waitMs);
          caughtUp = () => (clearTimeout(t), (caughtUp = null), resolve());
        });
      }
      return ids.filter((id) => !answered[id]).map((id) => inFlight[id]!);
    };

    const BATCH = 200;
    const unanswered: FuzzPacket[] = [];
    for (let sent = 0; sent < COUNT && !childExit; ) {
      const batch: FuzzPacket[] = [];
      for (const end = Math.min(sent + BATCH, COUNT); sent < end; sent++) {
        const p = packets(sent);
        let t = byKind.get(p.kind);
        if (!t) byKind.set(p.kind, (t = { sent: 0, replies: 0, byRcode: new Map() }));
        t.sent++;
        batch.push(p);
      }
      // Bounded pace: wait for this batch's replies, or a short while for the ones lost.
      unanswered.push(...(await volley(batch, 250)));
      if (process.env.ZK_FUZZ_PROGRESS && sent % 10000 < BATCH) console.log(`${sent} sent, ${replies}/${expected} replies, ${Date.now() - started} ms`);
    }
    // Loopback drops datagrams when the worker's receive buffer overflows (a GC pause, other
    // tests on the machine). Asked again one at a time, every such packet must get its answer:
    // a packet that never gets one is a bug, not loss. (Retries are counted again as sent.)
    const lost = unanswered.length;
    let silent = 0;
    for (const p of unanswered.slice(0, 500)) {
      if (childExit || silent >= 20) break;
      if ((await volley([p], 1000)).length === 0) continue;
      silent++;
      problems.push(`no reply even when asked alone (${p.kind}: ${p.what}; query ${p.bytes.toString('hex')})`);
    }
    await sleep(100);
    client.close();

    const total: Map<string, number> = new Map();
    const table: Record<string, Record<string, number>> = {};
    for (const [kind, t] of byKind) {
      table[kind] = { sent: t.sent, replies: t.replies, ...Object.fromEntries(t.byRcode) };
      for (const [rc, n] of t.byRcode) total.set(rc, (total.get(rc) ?? 0) + n);
    }
    console.log(`UDP garbage: seed ${SEED}, ${COUNT} packets in ${Date.now() - started} ms, ${replies} replies; ${lost} lost on loopback and asked again`);
    console.log(`UDP replies by rcode: ${JSON.stringify(Object.fromEntries(total))}`);
    console.table(table);

    alive();
    expect(problems).toEqual([]);
    // Loss on a busy machine is allowed (the retries above show the worker still answers), but
    // a worker that answered almost nothing would show here.
    expect(lost).toBeLessThan(expected * 0.5);
  });

  it('survives garbage, half frames and idle connections over TCP', { timeout: 60_000 }, async () => {
    const rng = new Prng(SEED ^ 0x5a5a);
    const problems: string[] = [];

    /** Opens a connection, runs `act`, and resolves when the server closes it (or after `withinMs`). */
    const session = (act: (s: net.Socket) => void | Promise<void>, withinMs: number) =>
      new Promise<{ closedByServer: boolean; frames: Buffer[]; ms: number }>((resolve) => {
        const s = net.connect({ port, host: '127.0.0.1' });
        const reader = new TcpFrameReader();
        const frames: Buffer[] = [];
        const t0 = Date.now();
        let done = false;
        const finish = (closedByServer: boolean) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          s.destroy();
          resolve({ closedByServer, frames, ms: Date.now() - t0 });
        };
        const timer = setTimeout(() => finish(false), withinMs);
        s.on('data', (c) => {
          try {
            frames.push(...reader.push(c));
          } catch (err) {
            problems.push(`bad framing from the server: ${(err as Error).message}`);
          }
        });
        s.on('end', () => finish(true));
        s.on('close', () => finish(true));
        s.on('error', () => finish(true));
        s.on('connect', () => void act(s));
      });
    const idle = TCP.idleTimeoutMs;

    // Random bytes: whatever frames they happen to make get FORMERR or nothing, then the server
    // closes on a runt frame or when the idle timer runs out on a half frame.
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const bytes = rng.bytes(rng.range(1, 3000));
        const g = await session((s) => void s.write(bytes), idle + 3000);
        if (!g.closedByServer) problems.push(`garbage connection left open after ${g.ms} ms`);
        // The frames the server saw, up to the first runt (where it stops): each one with QR
        // clear is answered, in order.
        const sent = new TcpFrameReader().push(bytes);
        const cut = sent.findIndex((f) => f.length < 12);
        const answerable = (cut < 0 ? sent : sent.slice(0, cut)).filter(expectsReply);
        if (g.frames.length !== answerable.length) problems.push(`${g.frames.length} replies to ${answerable.length} answerable garbage frames`);
        g.frames.forEach((reply, i) => {
          const q = answerable[i];
          const problem = q ? checkReply(q, reply, 'tcp').problem : 'unexpected';
          if (problem) problems.push(`TCP garbage reply ${i}: ${problem}`);
        });
      }),
    );

    // Transfer requests and queries with damaged TSIG records, pipelined: the transfer path
    // parses TSIG before any guard. Every frame back must decode and carry one of our IDs.
    const tsigFuzzer = new PacketFuzzer(SEED ^ 0x7516, [ZONE]);
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const batch = Array.from({ length: 20 }, (_, i) => {
          const p = tsigFuzzer.tsig();
          p.bytes.writeUInt16BE(0x7000 + i, 0);
          return p;
        });
        const t = await session((s) => void s.write(Buffer.concat(batch.map((p) => frame(p.bytes)))), idle + 3000);
        if (!t.closedByServer) problems.push(`TSIG connection left open after ${t.ms} ms`);
        for (const reply of t.frames) {
          const id = reply.length >= 2 ? reply.readUInt16BE(0) - 0x7000 : -1;
          const p = batch[id];
          if (!p) problems.push(`TSIG reply with an ID we did not send: ${reply.subarray(0, 12).toString('hex')}`);
          else if (!decodes(reply)) problems.push(`undecodable reply to ${p.what}: ${p.bytes.toString('hex')}`);
        }
      }),
    );

    // A full-size garbage frame: 65535 bytes, answered FORMERR (or nothing if QR is set).
    const big = rng.bytes(65535);
    big[2]! &= 0x7f;
    const full = await session((s) => void s.write(frame(big)), idle + 3000);
    const fullReply = full.frames[0];
    if (!fullReply) problems.push('no reply to a 65535-byte garbage frame');
    else if (checkReply(big, fullReply, 'tcp').problem) problems.push(`65535-byte frame: ${checkReply(big, fullReply, 'tcp').problem}`);

    // A prefix announcing 65535 bytes, then the client goes away.
    await Promise.all(Array.from({ length: 10 }, () => session((s) => void s.end(Buffer.from([0xff, 0xff])), 2000)));

    // Half frames left hanging: the idle timer must close them, though bytes were received.
    const half = await Promise.all(
      Array.from({ length: 10 }, () => session((s) => void s.write(Buffer.concat([Buffer.from([0, 100]), rng.bytes(50)])), idle + 3000)),
    );
    for (const h of half) if (!h.closedByServer) problems.push(`half frame left open after ${h.ms} ms`);

    // A zero-length frame: no answer, and the connection is closed.
    const zero = await session((s) => void s.write(Buffer.from([0, 0])), idle + 3000);
    if (zero.frames.length) problems.push('a reply to a zero-length frame');
    if (!zero.closedByServer || zero.ms > idle / 2) problems.push(`zero-length frame: connection closed ${zero.closedByServer} after ${zero.ms} ms`);

    // A valid query dribbled one byte per write still gets its answer.
    const q = query({ id: 0x7e57, name: 'www.fuzz.test.', type: 1 });
    const split = await session(async (s) => {
      for (const b of frame(q)) {
        s.write(Buffer.from([b]));
        await sleep(2);
      }
    }, idle + 3000);
    if (split.frames.length !== 1 || split.frames[0]!.readUInt16BE(0) !== 0x7e57) problems.push('no answer to a query split byte by byte');

    // Thousands of pipelined queries from a client that never reads.
    const flood = Buffer.concat(Array.from({ length: 5000 }, (_, i) => frame(query({ id: i, name: 'big.fuzz.test.', type: 16 }))));
    await session((s) => {
      s.pause();
      s.write(flood);
    }, 500);

    // More idle connections than the limit: the surplus is closed at once, the rest at the idle timeout.
    const crowd = await Promise.all(Array.from({ length: TCP.maxConnections + 20 }, () => session(() => undefined, idle + 3000)));
    const refusedAtOnce = crowd.filter((c) => c.ms < idle / 2).length;
    if (refusedAtOnce < 20) problems.push(`${refusedAtOnce} connections refused at once, expected at least 20`);
    const leftOpen = crowd.filter((c) => !c.closedByServer).length;
    if (leftOpen) problems.push(`${leftOpen} idle connections left open`);

    alive();
    expect(problems).toEqual([]);
  });

  it('still answers correctly over UDP and TCP, with bounded memory', async () => {
    alive();
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await ask(port, 'WWW.fuzz.test.', 'A', { transport, edns: 1232 });
      expect(r.rcode).toBe(RCODE.NOERROR);
      expect(r.aa).toBe(true);
      expect(r.questions[0]!.name).toBe('WWW.fuzz.test.');
      expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
      const nx = await ask(port, 'nope.fuzz.test.', 'A', { transport });
      expect(nx.rcode).toBe(RCODE.NXDOMAIN);
    }
    const big = await ask(port, 'big.fuzz.test.', 'TXT', { transport: 'tcp' });
    expect(big.answers).toHaveLength(40);
    const errors = workerLog.filter((e) => (e.level ?? 0) >= 50);
    console.log(`worker log: ${workerLog.length} warnings and errors${workerLog.length ? `, e.g. ${JSON.stringify(workerLog[0])}` : ''}`);
    expect(errors).toEqual([]);
    const after = await memory();
    console.log(`worker memory: before ${JSON.stringify(before)}, after ${JSON.stringify(after)} (MB)`);
    expect(after.rssMb - before.rssMb).toBeLessThan(200);
    expect(after.peakRssMb - before.rssMb).toBeLessThan(300);
    expect(after.heapMb - before.heapMb).toBeLessThan(100);
    alive();
  });
});
