// The loader against a real database: what a sync swaps in, and when, when it
// runs as a round with other DNS processes (cluster-link.ts drives the rounds).
import { describe, expect, it } from 'vitest';
import { applyChangeset, deleteZone, importZone } from '../zones/mutations';
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

  it('tells the round when nothing changed', async () => {
    await importZone('c.loader.test.', zoneText('c.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    const held = heldRound();
    held.release();
    expect(await loader.sync(held.round)).toEqual({ loaded: [], removed: [] });
    expect(held.seen.map((s) => s.zones)).toEqual([[]]);
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
    const first = loader.sync();
    const held = heldRound();
    held.release();
    // Both arrive while the first sync runs: they share one more sync, which runs the round.
    const [, second, third] = await Promise.all([first, loader.sync(held.round), loader.sync()]);
    expect(second).toBe(third);
    expect(held.started()).toBe(1);
  });
});
