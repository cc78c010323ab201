// A real BIND 9.18 secondary of some of our zones for the client tests: it
// takes each zone from the worker once, is then moved only by our NOTIFYs
// (its refresh timers are a day long), and logs at debug level 3, where each
// incremental transfer shows as "got incremental response".
import { startBind, type RunningBind } from './bind';
import { setZoneOptions } from '../zones/zone-lifecycle';

export interface BindFollower extends RunningBind {
  /** How many incremental transfers of `zone` (no final dot) it has logged so far. */
  ixfrsOf(zone: string): number;
  /** Resolves once it has transferred `serial` of `zone`; rejects after 10 s. */
  caughtUp(zone: string, serial: number): Promise<void>;
}

/** Starts BIND as the secondary of `zones` (names without the final dot) of the worker on `workerPort`, and adds it to their also-notify. */
export async function followWithBind(named: string, zones: readonly string[], workerPort: number): Promise<BindFollower> {
  const bind = await startBind({
    program: named,
    debugLevel: 3,
    options: ['allow-notify { 127.0.0.0/8; };', 'notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
    config: (d) => zones.map((z) => `zone "${z}" { type secondary; primaries { 127.0.0.1 port ${workerPort}; }; file "${d}/${z}.db"; };`).join('\n'),
  });
  for (const zone of zones) {
    await bind.waitForLog(new RegExp(`zone ${zone}/IN: transferred serial`), 15_000);
    await setZoneOptions(zone, { alsoNotify: [`127.0.0.1:${bind.port}`] }, { name: 'test' });
  }
  return {
    ...bind,
    ixfrsOf: (zone) => [...bind.log().matchAll(new RegExp(`transfer of '${zone}/IN' from 127\\.0\\.0\\.1#${workerPort}: got incremental response`, 'g'))].length,
    caughtUp: async (zone, serial) => void (await bind.waitForLog(new RegExp(`zone ${zone}/IN: transferred serial ${serial}`), 10_000)),
  };
}
