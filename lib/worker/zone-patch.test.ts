// A journal entry applied to a snapshot (zone-patch.ts) must give a zone that
// answers exactly as one built afresh from the same records: every name that
// exists and none that does not (empty non-terminals come and go with the
// names below them), delegations, wildcards, every answer byte for byte and
// the whole zone by AXFR. Checked over long random runs of changes, each
// patched onto the previous patch's result.
import { describe, expect, it } from 'vitest';
import { normalizeContent } from '../dns/rdata';
import type { RR } from '../dns/types';
import { decodeMessage, encodeMessage, newQuery } from '../dns/wire';
import { axfrMessages } from './axfr';
import { handleMessage } from './handler';
import { log } from './logger';
import { patchSnapshot, type JournalStep } from './zone-patch';
import { buildSnapshot, type SnapshotHeader, type ZoneSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const Z = 'patch.test.';
const abs = (rel: string) => (rel === '@' ? Z : `${rel}.${Z}`);
const rr = (rel: string, type: string, content: string, ttl = 300): RR => ({ name: abs(rel), type, ttl, content: normalizeContent(type, content, Z) });

function header(serial: number): SnapshotHeader {
  return { id: 1, name: Z, serial, version: serial, negativeTtl: 60, soa: { name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} ${serial} 3600 600 86400 60` } };
}

/** A small, seeded generator, so that a failure repeats. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

// Few labels, so that names share ancestors and changes make and unmake empty non-terminals.
const LABELS = ['a', 'b', 'c', 'd', '*'];
function randomRecord(pick: (n: number) => number): RR {
  const depth = 1 + pick(3);
  const rel = Array.from({ length: depth }, (_, i) => LABELS[pick(i === 0 ? LABELS.length : LABELS.length - 1)]!).join('.');
  switch (pick(6)) {
    case 0:
      return rr(rel, 'A', `192.0.2.${pick(4)}`, 300 + pick(2));
    case 1:
      return rr(rel, 'AAAA', `2001:db8::${pick(3)}`);
    case 2:
      return rr(rel, 'TXT', `"t${pick(3)}"`);
    case 3:
      return rr(rel, 'NS', `ns${pick(2)}.${LABELS[pick(4)]}`);
    case 4:
      return rr(rel, 'MX', `${pick(3)} ${LABELS[pick(4)]}`);
    default:
      return rr(rel, 'CNAME', LABELS[pick(4)]!);
  }
}

const same = (a: RR, b: RR) => a.name === b.name && a.type === b.type && a.content === b.content;

/** Applies a step to a record list as a rebuild would see it: removals in place, additions at the end of the list. */
function applyTo(records: RR[], step: JournalStep): void {
  for (const r of step.removed) records.splice(records.findIndex((x) => same(x, r)), 1);
  for (const r of step.added) records.push(r);
}

/** A random step: removals of records the zone holds (with their TTL), and additions. */
function randomStep(records: readonly RR[], pick: (n: number) => number): JournalStep {
  const removed: RR[] = [];
  const left = [...records];
  for (let k = pick(4); k > 0 && left.length; k--) removed.push(...left.splice(pick(left.length), 1));
  const added: RR[] = [];
  for (let k = pick(5); k > 0; k--) {
    const r = randomRecord(pick);
    // A zone holds a record once (the change service refuses a second copy).
    if (![...left, ...added].some((x) => same(x, r))) added.push(r);
  }
  return { removed, added };
}

function answer(zone: ZoneSnapshot, name: string, type: string): string {
  const store = new ZoneStore();
  store.set(zone);
  const out = handleMessage({ store, log, ednsUdpLimit: 4096 }, encodeMessage(newQuery(name, type, { id: 7 })).buf, 'udp', { address: '127.0.0.1', port: 1 });
  return out!.toString('hex');
}

function axfr(zone: ZoneSnapshot): string[] {
  const query = decodeMessage(encodeMessage(newQuery(Z, 'AXFR', { id: 1 })).buf);
  const lines: string[] = [];
  for (const m of axfrMessages(zone, query, 16384)) {
    for (const a of decodeMessage(m).answers) lines.push(`${a.name} ${a.type} ${a.ttl} ${JSON.stringify(a.data)}`);
  }
  return lines.sort();
}

/** Every question that tells two copies of the zone apart, asked of both. */
function expectSameZone(patched: ZoneSnapshot, fresh: ZoneSnapshot, types = ['A', 'AAAA', 'TXT', 'NS', 'MX', 'CNAME', 'SOA', 'ANY']): void {
  expect([patched.recordCount, patched.cutCount, patched.serial]).toEqual([fresh.recordCount, fresh.cutCount, fresh.serial]);
  const names = new Set<string>([Z]);
  const grow = (rel: string[]) => {
    for (let i = 0; i < rel.length; i++) names.add(abs(rel.slice(i).join('.')));
  };
  for (const a of LABELS) for (const b of LABELS) for (const c of LABELS) grow([a, b, c]);
  grow(['x', 'a']);
  grow(['x', 'y', 'b']);
  for (const name of names) {
    expect(patched.findNode(name) >= 0, name).toBe(fresh.findNode(name) >= 0);
    for (const type of types) {
      expect(answer(patched, name, type), `${name} ${type}`).toBe(answer(fresh, name, type));
    }
  }
  expect(axfr(patched)).toEqual(axfr(fresh));
}

describe('patchSnapshot', () => {
  it('answers as a zone built afresh, over long random runs of changes', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const pick = random(seed);
      const records: RR[] = [rr('@', 'NS', 'ns1'), rr('ns1', 'A', '192.0.2.53')];
      let zone = buildSnapshot(header(1), records);
      for (let serial = 2; serial < 60; serial++) {
        const steps = [randomStep(records, pick)];
        applyTo(records, steps[0]!);
        // Now and then two journal entries at once, the second over the first.
        if (pick(4) === 0) {
          steps.push(randomStep(records, pick));
          applyTo(records, steps[1]!);
        }
        const patched = patchSnapshot(zone, header(serial), steps);
        expect(patched, `seed ${seed}, serial ${serial}`).not.toBeNull();
        // Every type now and then; names, AXFR and the commonest question always.
        expectSameZone(patched!, buildSnapshot(header(serial), records), serial % 8 === 0 ? undefined : ['A']);
        zone = patched!;
      }
    }
  });

  it('removes a name with its last record, and its empty ancestors with it, but keeps those with names below', () => {
    const zone = buildSnapshot(header(1), [rr('a.b.c', 'A', '192.0.2.1'), rr('d.c', 'A', '192.0.2.2')]);
    expect(zone.findNode(abs('b.c'))).toBeGreaterThan(0);
    const after = patchSnapshot(zone, header(2), [{ removed: [rr('a.b.c', 'A', '192.0.2.1')], added: [] }])!;
    expect([abs('a.b.c'), abs('b.c'), abs('c'), abs('d.c')].map((n) => after.findNode(n) >= 0)).toEqual([false, false, true, true]);
    // The old copy still answers as it did: queries in flight keep it.
    expect(zone.findNode(abs('a.b.c'))).toBeGreaterThan(0);
  });

  it('grows the name table past its size and still finds every name', () => {
    let zone = buildSnapshot(header(1), [rr('@', 'NS', 'ns1')]);
    const records = [rr('@', 'NS', 'ns1')];
    for (let i = 0; i < 50; i++) {
      const added = Array.from({ length: 20 }, (_, k) => rr(`h${i * 20 + k}`, 'A', '192.0.2.1'));
      records.push(...added);
      zone = patchSnapshot(zone, header(i + 2), [{ removed: [], added }])!;
    }
    expect(zone.layout.slotCount).toBeGreaterThan(64);
    for (let i = 0; i < 1000; i++) expect(zone.recordsAt(abs(`h${i}`), 'A')).toHaveLength(1);
    expect(zone.findNode(abs('h1000'))).toBe(-1);
    expectSameZone(zone, buildSnapshot(header(51), records));
  });

  it('refuses a step that does not fit the snapshot, so that the zone is read again', () => {
    const zone = buildSnapshot(header(1), [rr('www', 'A', '192.0.2.1')]);
    expect(patchSnapshot(zone, header(2), [{ removed: [rr('www', 'A', '192.0.2.9')], added: [] }])).toBeNull();
    expect(patchSnapshot(zone, header(2), [{ removed: [], added: [{ name: 'www.elsewhere.test.', type: 'A', ttl: 1, content: '192.0.2.1' }] }])).toBeNull();
  });

  it('gives up once most of the buffer is dead, so that a rebuild compacts it', () => {
    const big = Array.from({ length: 3000 }, (_, i) => rr('big', 'TXT', `"${'x'.repeat(200)}${i}"`));
    let zone = buildSnapshot(header(1), big);
    let serial = 2;
    // Each change rewrites the 600 KB set: the second leaves more dead bytes than live ones.
    for (; serial < 10 && zone; serial++) {
      const r = rr('big', 'A', `192.0.2.${serial}`);
      zone = patchSnapshot(zone, header(serial), [{ removed: [], added: [r] }])!;
      const txt = rr('big', 'TXT', `"${'x'.repeat(200)}${serial}"`);
      zone = zone && patchSnapshot(zone, header(serial), [{ removed: [txt], added: [] }])!;
    }
    expect(zone).toBeNull();
    expect(serial).toBeLessThan(10);
  });
});
