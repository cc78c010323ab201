// The loader against a real database: what a sync swaps in, and when, when it
// runs as a round with other DNS processes (cluster-link.ts drives the rounds).
import { describe, expect, it } from 'vitest';
import { applyChangeset, deleteZone, importZone } from '../zones/mutations';
import { createTsigKey } from '../zones/tsig-keys';
import { log } from './logger';
import { ZoneLoader, type ReloadRound } from './zone-loader';
import { ZoneStore } from './zone-store';

const actor = { name: 'test' };
const zoneText = (z: string) => [`$ORIGIN ${z}`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 60', '@ IN NS ns1', 'ns1 IN A 192.0.2.53', ''].join('\n');

/** A round that records what it was given and swaps when the test says so. */
function heldRound() {
  const seen: { zones: string[] }[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let started = 0;
  const round: ReloadRound = () => {
    started++;
    return {
      async swapWhenReady(swap, zones) {
        seen.push({ zones });
        await released;
        swap();
      },
    };
  };
  return { round, seen, release, started: () => started };
}

describe('ZoneLoader', () => {
  it('loads every changed zone before it swaps any in, and names them to the round', async () => {
    await importZone('a.loader.test.', zoneText('a.loader.test.'), actor);
    await importZone('b.loader.test.', zoneText('b.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    expect(store.get('a.loader.test.')?.serial).toBe(1);

    await applyChangeset('a.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await deleteZone('b.loader.test.', actor);
    const held = heldRound();
    const syncing = loader.sync(held.round);
    await expect.poll(() => held.seen.length).toBe(1);
    expect(held.started()).toBe(1);
    expect(held.seen[0]!.zones).toEqual(['a.loader.test.', 'b.loader.test.']);
    // Loaded, not yet served: the old copies answer until the round says so.
    expect(store.get('a.loader.test.')?.serial).toBe(1);
    expect(store.get('b.loader.test.')).toBeDefined();

    held.release();
    expect(await syncing).toEqual({ loaded: ['a.loader.test.'], removed: ['b.loader.test.'] });
    expect(store.get('a.loader.test.')?.serial).toBe(2);
    expect(store.get('b.loader.test.')).toBeUndefined();
  });

  it('starts no round when nothing changed, and one when only the TSIG keys did', async () => {
    await importZone('c.loader.test.', zoneText('c.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    const held = heldRound();
    held.release();
    expect(await loader.sync(held.round)).toEqual({ loaded: [], removed: [] });
    expect(held.started()).toBe(0);

    await createTsigKey('xfr-key', 'hmac-sha256');
    await loader.sync(held.round);
    expect(held.started()).toBe(1);
    expect(held.seen.map((s) => s.zones)).toEqual([[]]);
    expect([...store.tsigKeys.keys()]).toEqual(['xfr-key.']);
  });

  it('serves the change even when the round returns without swapping or throws', async () => {
    await importZone('d.loader.test.', zoneText('d.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    await applyChangeset('d.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await loader.sync(() => ({ swapWhenReady: async () => undefined }));
    expect(store.get('d.loader.test.')?.serial).toBe(2);

    await applyChangeset('d.loader.test.', { add: [{ name: 'ftp', type: 'A', content: '192.0.2.2' }] }, actor);
    await expect(
      loader.sync(() => ({
        swapWhenReady: async () => {
          throw new Error('the other processes are gone');
        },
      })),
    ).rejects.toThrow(/gone/);
    expect(store.get('d.loader.test.')?.serial).toBe(3);
  });

  it('gives a queued sync the round of the caller that asked with one', async () => {
    await importZone('e.loader.test.', zoneText('e.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    const firstRound = heldRound();
    const first = loader.sync(firstRound.round);
    await expect.poll(() => firstRound.seen.length).toBe(1);
    // A commit while the first sync is held; both callers arrive meanwhile and share one more sync.
    await applyChangeset('e.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const next = heldRound();
    next.release();
    const second = loader.sync(next.round);
    const third = loader.sync();
    expect(second).toBe(third);
    firstRound.release();
    await first;
    expect(await second).toEqual({ loaded: ['e.loader.test.'], removed: [] });
    expect(next.started()).toBe(1);
    expect(store.get('e.loader.test.')?.serial).toBe(2);
  });
});
