// The DNS worker: loads zones into memory, serves them over UDP and TCP on
// every configured address, reloads on nudges, on the database's change feed
// (PostgreSQL LISTEN, MySQL/MariaDB's change sequence) and on a timer.
// startWorker() is used by main.ts and by the integration tests (port 0
// allowed). Several workers may serve from one database; a read-only one
// (ZK_READ_ONLY, e.g. on a hot standby or a replica) only loads and answers,
// and never writes.
import type dgram from 'node:dgram';
import type http from 'node:http';
import { controlPort, dnsListen, lagDays, notifySource, pollIntervalMs as pollIntervalFromEnv, probeIntervalMs, probeZonesPerSecond, readOnly as readOnlyFromEnv, rrlSettings, tcpLimits, workerId as workerIdFromEnv, type ListenAddress, type RrlSettings } from '../config/env';
import { checkpointInBackground, listenForChanges, type ChangeFeed } from '../db';
import { failureMessage } from '../db-errors';
import { startControlServer } from './control-server';
import { cliCommandRoute } from './control-cli';
import { startAnswerThreads, type AnswerThreads } from './answer-threads';
import { EDNS_UDP_LIMIT, handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log as defaultLog, type Logger } from './logger';
import { notifyZoneNow } from './notify-now';
import { NotifyQueue, type NotifyQueueOptions } from './notify-queue';
import { Prober, type ProberOptions } from './prober';
import { WebhookSender, type WebhookSenderOptions } from './webhook-sender';
import { rateLimiterFor, type ResponseRateLimiter } from './rrl';
import { DEFAULT_TCP_OPTIONS, listenTcp, type TcpListener, type TcpOptions } from './tcp';
import { listenUdp } from './udp';
import { isUpdate, serveUpdate } from './update';
import { ZoneLoader } from './zone-loader';
import { ZoneStore } from './zone-store';
import { shareSnapshotMemory } from './snapshot-layout';
import type { Peer } from './udp-direct';
import { ResponseCache } from './response-cache';
import { Resigner } from './resign';
import { SecondaryEngine, type SecondaryEngineOptions } from './secondary/engine';
import { absoluteName } from '../dns/names';

export interface WorkerOptions {
  listen?: readonly ListenAddress[];
  controlPort?: number;
  pollIntervalMs?: number;
  log?: Logger;
  /** TCP idle timeout, connection caps and lifetime (RFC 7766 §6.2.2, §6.2.3, §10); defaults from ZK_TCP_* (tcpLimits()). */
  tcp?: Partial<TcpOptions>;
  /** Response rate limiting over UDP; defaults from ZK_RRL_* (rrlSettings()). */
  rrl?: Partial<RrlSettings>;
  /**
   * How many threads answer UDP queries, this one included (answer-threads.ts); each allows
   * its share of the RRL rate. Default 1.
   */
  threads?: number;
  /** An answer thread ended on its own: the UDP sockets it shared are closed (main.ts stops the worker). */
  onThreadLost?: (err: Error) => void;
  /** Retry timing of outgoing NOTIFY (tests shorten it). */
  notify?: NotifyQueueOptions;
  /** The replication prober; the interval and the sweep's rate default to ZK_PROBE_INTERVAL and ZK_PROBE_RATE. */
  probe?: Partial<ProberOptions>;
  /** Retry timing of webhook deliveries (tests shorten it). */
  webhooks?: WebhookSenderOptions;
  /** Refresh limits and transfer bounds of secondary zones (defaults from ZK_REFRESH_MIN/MAX, ZK_RETRY_MAX). */
  secondary?: SecondaryEngineOptions;
  /** Recorded on events and replica statuses; defaults to ZK_WORKER_ID, else host:port of the first listener. */
  workerId?: string;
  /** Load and answer only; write nothing. Defaults to ZK_READ_ONLY. */
  readOnly?: boolean;
  /** Follow the database's change feed where it has one (not SQLite); default true. Tests of reload timing turn it off. */
  changeFeed?: boolean;
}

export interface RunningWorker {
  /** The addresses actually bound (port 0 replaced by the real port). */
  dns: ListenAddress[];
  controlPort: number;
  store: ZoneStore;
  loader: ZoneLoader;
  notifyQueue: NotifyQueue;
  /** Secondary zones: refresh timers, NOTIFY in, transfers in. */
  secondary: SecondaryEngine;
  /** Asks secondaries which serial they serve, for the replication dashboard. */
  prober: Prober;
  workerId: string;
  readOnly: boolean;
  /** True when the database's change feed delivers changes at once (else the poll timer does). */
  changeFeed: boolean;
  /** How many threads answer UDP queries, this one included. */
  threads: number;
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions = {}): Promise<RunningWorker> {
  const log = opts.log ?? defaultLog;
  const listen = opts.listen ?? dnsListen();
  const id = opts.workerId ?? workerIdFromEnv(listen);
  const readOnly = opts.readOnly ?? readOnlyFromEnv();
  const store = new ZoneStore();
  const tcpOpts: TcpOptions = { ...DEFAULT_TCP_OPTIONS, ...tcpLimits(), ...opts.tcp };
  const threadCount = Math.max(1, opts.threads ?? 1);
  // As many threads read a start's zones as will answer queries: one per core.
  const loader = new ZoneLoader(store, log, { loadThreads: threadCount - 1 });
  // Snapshots built from now on can be handed to the answer threads without a copy.
  if (threadCount > 1) shareSnapshotMemory();
  const rrlConfig: RrlSettings = { ...rrlSettings(), ...opts.rrl };
  const rrl = rateLimiterFor(rrlConfig, { answerers: threadCount, log });
  // After a transfer in, serve the new copy and pass the NOTIFY on at once.
  const secondary = new SecondaryEngine(store, log, { ...opts.secondary, workerId: id, readOnly, reload: () => refresh() });
  const ctx: HandlerContext = { store, log, ednsUdpLimit: EDNS_UDP_LIMIT, cache: new ResponseCache(store), notifyInbox: secondary, workerId: id, readOnly };
  // Its commits (a big transfer in) must not end in a checkpoint that holds up the answers.
  const stopCheckpoints = readOnly ? async () => undefined : await checkpointInBackground((err) => log.warn({ err }, 'WAL checkpoint failed'));
  const udp: dgram.Socket[] = [];
  // NOTIFY and UPDATE over UDP, received here or by an answer thread: answered on the socket they
  // came in on, rate limited like every UDP answer of ours. An UPDATE waits for its change to commit.
  const answerElsewhere = (socket: dgram.Socket | undefined, msg: Buffer, peer: Peer) => {
    const what = isUpdate(msg) ? 'UPDATE' : 'NOTIFY';
    const send = (answer: Buffer | null) => {
      const reply = answer && rrl ? rrl.limit(peer.address, answer) : answer;
      if (reply) socket?.send(reply, peer.port, peer.address, (err) => err && log.warn({ peer: peer.address, err: err.message }, `${what} answer not sent`));
    };
    const failed = (err: Error) => log.error({ peer: peer.address, err: err.stack ?? err.message }, `${what} failed`);
    if (what === 'UPDATE') return void serveUpdate(ctx, msg, 'udp', peer).then(send, failed);
    try {
      send(handleMessage(ctx, msg, 'udp', peer));
    } catch (err) {
      failed(err as Error);
    }
  };
  const onForwarded = (i: number, msg: Buffer, peer: Peer) => answerElsewhere(udp[i], msg, peer);
  // The threads start first: they take the zones while the first sync reads them, and listen after it.
  let threads: AnswerThreads | null = null;
  try {
    if (threadCount > 1) {
      const onLost = opts.onThreadLost ?? ((err: Error) => log.error({ err: err.message }, 'answer thread lost'));
      threads = await startAnswerThreads({ count: threadCount - 1, store, rrl: rrlConfig, log, onForwarded, onLost });
      loader.publishTo(threads.publish);
    }
    await loader.sync();
  } catch (err) {
    await threads?.stop();
    await stopCheckpoints();
    throw err;
  }
  // A secondary the prober sees behind is notified again, within the queue's backoff (RFC 1996 NOTIFY is only a hint).
  const onBehind: ProberOptions['onBehind'] = (zone, target, serial, theirs) =>
    void notifyQueue.renotifyBehind(zone.id, zone.name, target, serial, theirs).catch((err: Error) => log.warn({ zone: zone.name, target, err: err.message }, 're-notify check failed'));
  // Replication alerts: deliveries the prober's batches write are sent by the read-write workers.
  const webhooks = readOnly ? null : new WebhookSender(log, opts.webhooks);
  const onAlerts = () => void webhooks?.kick();
  const prober = new Prober(store, log, { intervalMs: probeIntervalMs(), zonesPerSecond: probeZonesPerSecond(), workerId: id, onBehind, onAlerts, lagDays: lagDays(), ...opts.probe });
  const notifyQueue = new NotifyQueue(store, log, {
    source: notifySource(),
    onAcknowledged: (zone, serial, target) => prober.chase(zone, serial, target),
    workerId: id,
    ...opts.notify,
  });
  // Signed zones' signatures are made again before they expire; the read-write workers do it.
  const resigner = readOnly ? null : new Resigner(log);
  // Load changed zones first, so that a NOTIFY carries the SOA being served.
  // A read-only worker sends no NOTIFY: the read-write workers on the primary database do.
  const refresh = async () => {
    // The answer threads take the change before this thread serves it: a commit returns (the
    // web app waits for this reload) once every thread serves it.
    const result = await loader.sync();
    await secondary.sync(loader.feedAt).catch((err: Error) => log.error({ err: err.message }, 'secondary zone sync failed'));
    // New NOTIFY jobs come with a change to their zone, which this sync has just loaded.
    if (!readOnly) void (result.loaded.length > 0 ? notifyQueue.kick() : notifyQueue.poll());
    void webhooks?.poll();
    // A change may have started a catalog move, whose next step the clock should see.
    if (result.loaded.length > 0) resigner?.soon();
    return result;
  };

  const tcp: TcpListener[] = [];
  const bound: ListenAddress[] = [];
  let control: http.Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  let feed: ChangeFeed | undefined;
  const stop = async () => {
    if (timer) clearInterval(timer);
    await feed?.close();
    await prober.stop();
    await webhooks?.stop();
    await resigner?.stop();
    await secondary.stop();
    await notifyQueue.settle();
    await stopCheckpoints();
    // The threads close the sockets they share with this one as they end; this one's own
    // close of them follows at once (a second close of the same numbers, see answer-threads.ts).
    await threads?.stop();
    await Promise.all([
      ...udp.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ...tcp.map((s) => s.close()),
      control ? new Promise<void>((r) => { control!.close(() => r()); control!.closeAllConnections(); }) : undefined,
    ]);
  };
  try {
    for (const at of listen) {
      const pair = await bindPair(ctx, at, tcpOpts, rrl, answerElsewhere);
      udp.push(pair.udp);
      tcp.push(pair.tcp);
      bound.push({ address: at.address, port: pair.port });
    }
    if (threads && !(await threads.listen(udp))) {
      threads = null;
      loader.publishTo(null);
    }
    control = await startControlServer(opts.controlPort ?? controlPort(), {
      'POST /reload': refresh,
      'GET /health': async () => ({ ok: true, zones: store.size }),
      'POST /notify': async (body) => {
        if (readOnly) throw new Error('this worker is read-only (ZK_READ_ONLY) and sends no NOTIFY; ask a read-write worker');
        const only = typeof body.target === 'string' && body.target ? body.target : undefined;
        const report = await notifyZoneNow(store, String(body.zone ?? ''), only, id);
        // Watch each target that took the NOTIFY pick up the serial, as after a commit.
        for (const r of report.results) if (r.outcome === 'acknowledged') prober.chase(report.zone, report.serial, r.target);
        return report;
      },
      // The replication doctor's fresh look: every secondary's SOA now, recorded as a sweep would.
      'POST /probe': async (body) => {
        if (readOnly) throw new Error('this worker is read-only (ZK_READ_ONLY) and records no probes; ask a read-write worker');
        const zone = absoluteName(String(body.zone ?? ''));
        return { zone, probed: (await prober.probeZone(zone)).length };
      },
      // `zonekeeper zone retrieve`: a whole-zone transfer now, answered when it has ended.
      'POST /retrieve': async (body) => {
        const zone = absoluteName(String(body.zone ?? ''));
        const outcome = await secondary.retrieve(zone);
        return { zone, ...(outcome ?? { ok: false, error: 'the worker is stopping' }) };
      },
      'POST /cli': cliCommandRoute({ readOnly, zones: () => store.size, log }),
    }, log);
  } catch (err) {
    await stop();
    throw err;
  }
  // A PostgreSQL standby cannot LISTEN: by default a read-only worker polls a little faster, to follow replication within a second.
  const pollMs = opts.pollIntervalMs ?? pollIntervalFromEnv(readOnly);
  timer = setInterval(() => {
    refresh().catch((err: unknown) => log.error({ err: failureMessage(err) }, 'zone poll failed'));
  }, pollMs);
  timer.unref();
  try {
    // A commit anywhere (web app, CLI, another machine) reloads every worker at once.
    if (opts.changeFeed !== false) feed = await listenForChanges(
      () => void refresh().catch((err: Error) => log.error({ err: err.message }, 'reload on a change notification failed')),
      (message) => log.warn({ err: message }, 'database change feed: falling back to polling until it reconnects'),
    );
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot follow the database change feed; polling only');
  }
  // Jobs written while no worker ran go out now; secondary zones get their timers.
  await secondary.sync();
  if (!readOnly) {
    void notifyQueue.kick();
    void webhooks?.kick();
    prober.start();
    resigner?.start();
  }
  const addr = control.address();
  const cport = typeof addr === 'object' && addr ? addr.port : 0;
  const changeFeed = feed?.listening ?? false;
  const answering = threads ? threads.count + 1 : 1;
  log.info({ dns: bound, control: cport, zones: store.size, workerId: id, readOnly, changeFeed, pollMs, threads: answering }, 'DNS worker listening');
  return { dns: bound, controlPort: cport, store, loader, notifyQueue, secondary, prober, workerId: id, readOnly, changeFeed, threads: answering, stop };
}

/** UDP and TCP on the same port; with port 0, retry until both get the same free port. */
async function bindPair(
  ctx: HandlerContext,
  at: ListenAddress,
  tcpOpts: TcpOptions,
  rrl: ResponseRateLimiter | null,
  elsewhere: (socket: dgram.Socket, msg: Buffer, peer: Peer) => void,
): Promise<{ udp: dgram.Socket; tcp: TcpListener; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = await listenUdp(ctx, at, { rrl, elsewhere: (msg, peer, socket) => elsewhere(socket, msg, peer) });
    const port = udp.address().port;
    try {
      const tcp = await listenTcp(ctx, { address: at.address, port }, tcpOpts);
      return { udp, tcp, port };
    } catch (err) {
      udp.close();
      if (at.port !== 0 || attempt >= 10) {
        throw new Error(`cannot listen on TCP ${at.address}:${port}: ${(err as Error).message}`);
      }
    }
  }
}
