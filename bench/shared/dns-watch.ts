// Watching servers answer: when does every zone of a server answer its SOA
// (from the moment the server was started), and when does one zone serve a
// new serial (after a change)? UDP on loopback, every wait bounded.
import dgram from 'node:dgram';
import { ask } from '../../lib/testing/dns-client.ts';
import { skipName } from './axfr-timer.ts';

export interface SweepOptions {
  host?: string;
  port: number;
  /** Zone names, with or without the trailing dot. */
  zones: readonly string[];
  /** Gives up after this long (from `startedAt`), reporting how many answered. */
  withinMs: number;
  /** Questions outstanding at once once the server answers (before that, a few, so as not to load a server that is starting). */
  inFlight?: number;
  /** A question unanswered after this long is asked again. */
  retryMs?: number;
  /** Called every 100 ms with the count answered so far; a non-null string ends the sweep (the server died, or its memory ran past a cap). */
  abort?: (answered: number) => string | null;
}

export interface SweepResult {
  total: number;
  answered: number;
  /** From `startedAt` to the first and the last zone's answer (NaN when none answered). */
  firstMs: number;
  lastMs: number;
  /** Why the sweep ended before every zone answered: 'timeout' or the abort callback's reason. */
  stopped?: string;
}

/** How soon an unanswered question is asked again while no zone has answered yet (at most 8 are out then). */
const STARTING_RETRY_MS = 20;

/** The question section of an SOA query for `zone` (no EDNS: the answer is small). */
function question(zone: string): Buffer {
  const labels = zone.replace(/\.$/, '').split('.');
  const parts: Buffer[] = [];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0, 0, 6, 0, 1]));
  return Buffer.concat(parts);
}

/**
 * Asks every zone's SOA until each has had an authoritative answer with the
 * SOA, with at most `inFlight` questions outstanding and each unanswered one
 * asked again after `retryMs` (a REFUSED or SERVFAIL, from a server still
 * loading, is asked again too). Starts asking at once: a server not yet
 * listening just drops the questions, so call this right after spawning it.
 */
export function sweepSoa(opts: SweepOptions, startedAt = performance.now()): Promise<SweepResult> {
  const host = opts.host ?? '127.0.0.1';
  const retryMs = opts.retryMs ?? 500;
  const maxInFlight = opts.inFlight ?? 500;
  const total = opts.zones.length;
  const done = new Uint8Array(total);
  // A FIFO of zones to ask, each not before its time; appended in time order, so the head is always the earliest.
  const queue: { zone: number; at: number }[] = opts.zones.map((_, zone) => ({ zone, at: 0 }));
  let head = 0;
  const outstanding = new Map<number, { zone: number; sentAt: number; q: Buffer }>();
  let nextId = 1;
  let answered = 0;
  let firstMs = NaN;
  let lastMs = NaN;
  const sock = dgram.createSocket('udp4');
  // Plenty of receive buffer: hundreds of answers can arrive between two turns of the event loop.
  sock.bind(0, () => {
    try {
      sock.setRecvBufferSize(8 << 20);
    } catch {
      // the kernel's cap applies
    }
  });

  return new Promise((resolve) => {
    const finish = (stopped?: string) => {
      clearInterval(tick);
      clearInterval(checks);
      sock.close();
      resolve({ total, answered, firstMs, lastMs, ...(stopped ? { stopped } : {}) });
    };
    const send = (zone: number, now: number) => {
      while (outstanding.has(nextId)) nextId = (nextId % 65535) + 1;
      const id = nextId;
      nextId = (nextId % 65535) + 1;
      const q = question(opts.zones[zone]!);
      const header = Buffer.alloc(12);
      header.writeUInt16BE(id, 0);
      header.writeUInt16BE(1, 4);
      outstanding.set(id, { zone, sentAt: now, q });
      sock.send(Buffer.concat([header, q]), opts.port, host);
    };
    const expire = () => {
      const now = performance.now();
      // Until a zone has answered, the few questions out are asked again often: a server is seen
      // to start answering within STARTING_RETRY_MS, not at the next retryMs (up to 0.5 s late).
      const wait = answered ? retryMs : Math.min(retryMs, STARTING_RETRY_MS);
      for (const [id, o] of outstanding) {
        if (now - o.sentAt < wait) continue;
        outstanding.delete(id);
        queue.push({ zone: o.zone, at: now });
      }
    };
    const pump = () => {
      const now = performance.now();
      const limit = answered ? maxInFlight : Math.min(8, maxInFlight);
      while (outstanding.size < limit && head < queue.length && queue[head]!.at <= now) {
        const { zone } = queue[head++]!;
        if (!done[zone]) send(zone, now);
      }
      if (head > 100_000) (queue.splice(0, head), (head = 0));
    };
    sock.on('message', (msg: Buffer) => {
      if (msg.length < 12) return;
      const o = outstanding.get(msg.readUInt16BE(0));
      // A late answer to a question already asked again under another id is simply not ours any more.
      if (!o || msg.readUInt16BE(4) !== 1 || msg.length < 12 + o.q.length || !msg.subarray(12, 12 + o.q.length).equals(o.q)) return;
      outstanding.delete(msg.readUInt16BE(0));
      const now = performance.now();
      const rcode = msg[3]! & 0x0f;
      const aa = (msg[2]! & 0x04) !== 0;
      let soa = false;
      if (rcode === 0 && aa && msg.readUInt16BE(6) > 0) {
        const p = skipName(msg, 12 + o.q.length);
        soa = p + 2 <= msg.length && msg.readUInt16BE(p) === 6;
      }
      if (!soa) return void queue.push({ zone: o.zone, at: now + (answered ? retryMs / 2 : STARTING_RETRY_MS) });
      if (done[o.zone]) return;
      done[o.zone] = 1;
      answered++;
      if (answered === 1) firstMs = now - startedAt;
      lastMs = now - startedAt;
      if (answered === total) finish();
      else pump();
    });
    const tick = setInterval(() => (expire(), pump()), 5);
    const checks = setInterval(() => {
      const why = opts.abort?.(answered);
      if (why) finish(why);
      else if (performance.now() - startedAt > opts.withinMs) finish('timeout');
    }, 100);
    if (total === 0) finish();
  });
}

/** The serial a server serves for `zone` now, or null (no answer, or not an SOA). */
export async function serialOf(host: string, port: number, zone: string, timeoutMs = 250): Promise<number | null> {
  try {
    const r = await ask(port, `${zone.replace(/\.$/, '')}.`, 'SOA', { timeoutMs }, host);
    return r.rcode === 0 && r.answers[0]?.type === 'SOA' ? (r.answers[0].data as { serial: number }).serial : null;
  } catch {
    return null;
  }
}

/**
 * The wall-clock time (ms since the epoch) at which `host:port` was first seen
 * serving `want` for `zone` (a serial, or a test of the serial), asked every
 * few ms, and that serial; null after `withinMs`.
 */
export async function untilSerial(host: string, port: number, zone: string, want: number | ((serial: number) => boolean), withinMs: number): Promise<{ at: number; serial: number } | null> {
  const t0 = performance.now();
  const ok = typeof want === 'number' ? (s: number) => s === want : want;
  while (performance.now() - t0 < withinMs) {
    const serial = await serialOf(host, port, zone);
    if (serial !== null && ok(serial)) return { at: Date.now(), serial };
    await new Promise((r) => setTimeout(r, 2));
  }
  return null;
}
