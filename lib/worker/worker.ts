// The DNS worker: loads zones into memory, serves them over UDP and TCP on
// every configured address, reloads on nudges and on a timer. startWorker()
// is used by main.ts and by the integration tests (port 0 allowed).
import type dgram from 'node:dgram';
import type http from 'node:http';
import { controlPort, dnsListen, type ListenAddress } from '../config/env';
import { startControlServer } from './control-server';
import { EDNS_UDP_LIMIT, type HandlerContext } from './handler';
import { log as defaultLog, type Logger } from './logger';
import { notifyZoneNow } from './notify-now';
import { listenTcp, type TcpListener } from './tcp';
import { listenUdp } from './udp';
import { ZoneLoader } from './zone-loader';
import { ZoneStore } from './zone-store';

export interface WorkerOptions {
  listen?: ListenAddress[];
  controlPort?: number;
  pollIntervalMs?: number;
  log?: Logger;
}

export interface RunningWorker {
  /** The addresses actually bound (port 0 replaced by the real port). */
  dns: ListenAddress[];
  controlPort: number;
  store: ZoneStore;
  loader: ZoneLoader;
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions = {}): Promise<RunningWorker> {
  const log = opts.log ?? defaultLog;
  const store = new ZoneStore();
  const loader = new ZoneLoader(store, log);
  const ctx: HandlerContext = { store, log, ednsUdpLimit: EDNS_UDP_LIMIT };
  await loader.sync();

  const udp: dgram.Socket[] = [];
  const tcp: TcpListener[] = [];
  const bound: ListenAddress[] = [];
  let control: http.Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (timer) clearInterval(timer);
    await Promise.all([
      ...udp.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ...tcp.map((s) => s.close()),
      control ? new Promise<void>((r) => { control!.close(() => r()); control!.closeAllConnections(); }) : undefined,
    ]);
  };
  try {
    for (const at of opts.listen ?? dnsListen()) {
      const pair = await bindPair(ctx, at);
      udp.push(pair.udp);
      tcp.push(pair.tcp);
      bound.push({ address: at.address, port: pair.port });
    }
    control = await startControlServer(opts.controlPort ?? controlPort(), {
      'POST /reload': async () => loader.sync(),
      'GET /health': async () => ({ ok: true, zones: store.size }),
      'POST /notify': async (body) => notifyZoneNow(String(body.zone ?? '')),
    }, log);
  } catch (err) {
    await stop();
    throw err;
  }
  const pollMs = opts.pollIntervalMs ?? 1000;
  timer = setInterval(() => {
    loader.sync().catch((err: Error) => log.error({ err: err.message }, 'zone poll failed'));
  }, pollMs);
  timer.unref();
  const addr = control.address();
  const cport = typeof addr === 'object' && addr ? addr.port : 0;
  log.info({ dns: bound, control: cport, zones: store.size }, 'DNS worker listening');
  return { dns: bound, controlPort: cport, store, loader, stop };
}

/** UDP and TCP on the same port; with port 0, retry until both get the same free port. */
async function bindPair(ctx: HandlerContext, at: ListenAddress): Promise<{ udp: dgram.Socket; tcp: TcpListener; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = await listenUdp(ctx, at);
    const port = udp.address().port;
    try {
      const tcp = await listenTcp(ctx, { address: at.address, port });
      return { udp, tcp, port };
    } catch (err) {
      udp.close();
      if (at.port !== 0 || attempt >= 10) {
        throw new Error(`cannot listen on TCP ${at.address}:${port}: ${(err as Error).message}`);
      }
    }
  }
}
