// Real BIND 9 secondaries of the product's worker, as the replication specs
// need them: a zone made for the test, transferred once, then told of changes
// by NOTIFY alone (the zone's also-notify names BIND; its own refresh is a day
// away), so whatever reaches it was pushed.
import { startBind, type RunningBind } from '../../lib/testing/bind';
import { requireProgram } from '../../lib/testing/system-program';
import { uniqueName, zk } from './cli';
import { DNS_PORT } from './env';
import { test } from './test';

const named = requireProgram('named', 'bind9');

export interface BindSecondary {
  /** The zone made for the test, without its trailing dot. */
  zone: string;
  bind: RunningBind;
  /** BIND's ADDRESS:PORT, as the replication pages name it. */
  secondary: string;
}

/**
 * Call in a describe block: its tests skip where bind9 is not installed (under
 * CI requireProgram fails instead), and each BIND started is stopped after its
 * test. Returns the starter: a new zone named from `prefix`, with BIND as its
 * secondary once it holds the zone.
 */
export function bindSecondaries(): (prefix: string) => Promise<BindSecondary> {
  test.skip(!named, 'named (bind9) is not installed');
  const running: RunningBind[] = [];
  test.afterEach(async () => {
    for (const b of running.splice(0)) await b.stop();
  });
  return async (prefix) => {
    const zone = `${uniqueName(prefix)}.test`;
    await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
    const bind = await startBind({
      program: named!,
      options: ['allow-notify { 127.0.0.0/8; };', 'notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
      config: (d) => `zone "${zone}" { type secondary; primaries { 127.0.0.1 port ${DNS_PORT}; }; file "${d}/z.db"; };`,
    });
    running.push(bind);
    await bind.waitForLog(new RegExp(`zone ${zone.replace(/\./g, '\\.')}/IN: transferred serial`), 20_000);
    const secondary = `127.0.0.1:${bind.port}`;
    await zk(['zone', 'set', zone, '--also-notify', secondary]);
    return { zone, bind, secondary };
  };
}
