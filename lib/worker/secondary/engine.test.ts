// The secondary engine's scheduling against a scripted primary on loopback:
// on start every secondary zone is checked at once, however far away its
// stored next refresh, paced and with bounded concurrency when there are
// many; a NOTIFY's refresh goes ahead of refreshes waiting for a slot.
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { contentToWire } from '../../dns/rdata';
import { decodeMessage, encodeMessage, newResponse } from '../../dns/wire';
import { startResponder, type Responder } from '../../testing/dns-responder';
import { log } from '../logger';
import { ZoneStore } from '../zone-store';
import { SecondaryEngine, type SecondaryEngineOptions } from './engine';

const HOUR = 3_600_000;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Primary extends Responder {
  /** When each SOA question came, per zone. */
  asked: Map<string, number>;
  /** Most SOA questions being answered at once. */
  peak: number;
}

/** Answers every SOA question with serial 5 after `delayMs`, or not at all for the zones in `silent`. */
async function primary(delayMs: number, silent: Set<string> = new Set()): Promise<Primary> {
  let open = 0;
  const p = (await startResponder(async (raw) => {
    const q = decodeMessage(raw);
    const name = q.questions[0]!.name.toLowerCase();
    p.asked.set(name, Date.now());
    if (silent.has(name)) return [];
    open++;
    p.peak = Math.max(p.peak, open);
    await new Promise((r) => setTimeout(r, delayMs));
    open--;
    const reply = newResponse(q);
    reply.aa = true;
    reply.answers = [{ name, type: 'SOA', class: 'IN', ttl: 300, data: contentToWire('SOA', `ns1.${name} hostmaster.${name} 5 10800 900 1209600 300`) }];
    return [encodeMessage(reply).buf];
  })) as Primary;
  p.asked = new Map();
  p.peak = 0;
  cleanup.push(() => p.close());
  return p;
}

let batch = 0;
/** `n` secondary zones holding serial 5, last refreshed a minute ago, next refresh hours away. */
async function transferredZones(n: number, primaryPort: number): Promise<string[]> {
  const b = ++batch;
  const names = Array.from({ length: n }, (_, i) => `z${i}.b${b}.test.`);
  const now = Date.now();
  await db().zone.createMany({
    data: names.map((name) => ({
      name,
      kind: 'secondary',
      serial: 5n,
      soaMname: `ns1.${name}`,
      soaRname: `hostmaster.${name}`,
      soaRefresh: 10_800,
      soaRetry: 900,
      soaExpire: 1_209_600,
      soaMinimum: 300,
      soaTtl: 300,
      defaultTtl: 300,
      primaries: JSON.stringify([`127.0.0.1:${primaryPort}`]),
      lastRefreshAt: new Date(now - 60_000),
      nextRefreshAt: new Date(now + 3 * HOUR),
      expiresAt: new Date(now + 300 * HOUR),
    })),
  });
  cleanup.push(async () => void (await db().zone.deleteMany({ where: { name: { in: names } } })));
  return names;
}

async function engine(opts: SecondaryEngineOptions): Promise<SecondaryEngine> {
  const e = new SecondaryEngine(new ZoneStore(), log, { queryTimeoutsMs: [300], ...opts });
  cleanup.push(() => e.stop());
  return e;
}

describe('the start-up check of secondary zones', () => {
  it('asks the primaries of every zone at once on start, though the next refresh is hours away', async () => {
    // Bug: a secondary that acknowledged a NOTIFY and died before the transfer waited hours for its next refresh after a restart.
    const p = await primary(0);
    const names = await transferredZones(3, p.port);
    const e = await engine({});
    const started = Date.now();
    await e.sync();
    await expect.poll(() => p.asked.size, { timeout: 3000 }).toBe(3);
    expect(Math.max(...p.asked.values()) - started).toBeLessThan(1500);
    // Each check found the copy current and armed the timer from the SOA: three hours on.
    await expect.poll(async () => (await db().zone.findMany({ where: { name: { in: names }, lastCheckAt: { gte: new Date(started) } } })).length, { timeout: 3000 }).toBe(3);
    for (const z of await db().zone.findMany({ where: { name: { in: names } } })) {
      expect(z.nextRefreshAt!.getTime() - Date.now()).toBeGreaterThan(2.9 * HOUR);
      expect(z.refreshFailures).toBe(0);
    }
    // Later syncs (every poll) check nothing again.
    const asked = new Map(p.asked);
    await e.sync();
    await new Promise((r) => setTimeout(r, 300));
    expect(p.asked).toEqual(asked);
  });

  it('spreads many zones over time at the configured rate, with bounded concurrency', async () => {
    const p = await primary(30);
    const names = await transferredZones(60, p.port);
    // A question the engine stops waiting for frees its slot while the primary still counts it
    // open: the timeout is long enough that a busy machine's pauses never reach it.
    const e = await engine({ startupChecksPerSecond: 40, maxConcurrent: 4, queryTimeoutsMs: [10_000] });
    const started = Date.now();
    await e.sync();
    await expect.poll(() => p.asked.size, { timeout: 10_000 }).toBe(60);
    const times = [...p.asked.values()].sort((a, b) => a - b);
    expect(times[0]! - started).toBeLessThan(1500);
    // 60 zones at 40 a second: about 1.5 s from the first question to the last, not all at once.
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(1100);
    const inFirstHalfSecond = times.filter((t) => t - times[0]! < 500).length;
    expect(inFirstHalfSecond).toBeLessThanOrEqual(25);
    expect(p.peak).toBeLessThanOrEqual(4);
    expect(new Set(p.asked.keys())).toEqual(new Set(names));
  });

  it('a NOTIFY is not queued behind refreshes waiting for a slot', async () => {
    // Refreshes of zones whose primary never answers fill the only slot and its queue.
    const silent = new Set<string>();
    const p = await primary(0, silent);
    const [notified, ...stuck] = await transferredZones(8, p.port);
    for (const z of stuck) silent.add(z);
    const e = await engine({ maxConcurrent: 1, queryTimeoutsMs: [400] });
    await e.sync();
    // Let the start-up checks end first; they are not what this test is about.
    await expect.poll(() => p.asked.size, { timeout: 10_000 }).toBe(8);
    await new Promise((r) => setTimeout(r, 1000));
    for (const z of stuck) void e.refreshNow(z);
    const t0 = Date.now();
    e.notified(notified!);
    await expect.poll(() => p.asked.get(notified!) ?? 0, { timeout: 5000 }).toBeGreaterThan(t0);
    // One refresh of a silent primary (400 ms) may be running; the seven behind it are not waited for.
    expect(p.asked.get(notified!)! - t0).toBeLessThan(1200);
  });
});
