// A sibling DNS process (cluster.ts): its own copy of the zones, answering UDP
// queries on the sockets it shares with the leader. It writes nothing and
// sends nothing on its own: it reloads in step with the leader, and hands the
// NOTIFYs it receives to the leader (cluster-link.ts).
import type dgram from 'node:dgram';
import { dnsListen, rrlSettings, type ListenAddress } from '../config/env';
import { siblingLink } from './cluster-link';
import { EDNS_UDP_LIMIT, type HandlerContext } from './handler';
import type { Logger } from './logger';
import { ResponseCache } from './response-cache';
import { rateLimiterFor } from './rrl';
import { listenUdp } from './udp';
import { ZoneLoader } from './zone-loader';
import { ZoneStore } from './zone-store';

/** Between the leader's reloads, a sibling checks the database itself this often. */
const FALLBACK_POLL_MS = 30_000;

export interface RunningSibling {
  zones: number;
  stop(): Promise<void>;
}

export async function startSibling(parentLog: Logger, processes: number, listen: ListenAddress[] = dnsListen()): Promise<RunningSibling> {
  // Its reloads repeat the leader's: only warnings and errors are worth a line of their own.
  const log = parentLog.child({ sibling: process.pid }, { level: parentLog.isLevelEnabled('warn') ? 'warn' : parentLog.level });
  const store = new ZoneStore();
  const loader = new ZoneLoader(store, log);
  const ctx: HandlerContext = { store, log, ednsUdpLimit: EDNS_UDP_LIMIT, cache: new ResponseCache(store), readOnly: true };
  // Its own share of the rate: it sees only the datagrams the kernel hands it.
  const rrl = rateLimiterFor(rrlSettings(), { processes, log });
  const link = siblingLink(
    (round) => loader.sync(round),
    (err) => log.error({ err: err.message }, 'sibling reload failed'),
  );
  // Zones first: a socket bound before they are loaded would answer REFUSED.
  await loader.sync();
  const sockets: dgram.Socket[] = [];
  try {
    for (const [i, at] of listen.entries()) {
      sockets.push(await listenUdp(ctx, at, { rrl, notifyElsewhere: (msg, peer) => link.forwardNotify(i, msg, peer) }));
    }
  } catch (err) {
    for (const s of sockets) s.close();
    throw err;
  }
  // Only a safety net: the leader's reloads are what keep this copy current.
  const timer = setInterval(() => {
    loader.sync().catch((err: Error) => log.error({ err: err.message }, 'sibling zone poll failed'));
  }, FALLBACK_POLL_MS);
  timer.unref();
  return {
    zones: store.size,
    async stop() {
      clearInterval(timer);
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
