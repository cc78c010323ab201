// An answer thread of the DNS worker (answer-threads.ts starts them): answers
// UDP queries on the main thread's own sockets, from the main thread's own
// snapshots, which it is handed over shared memory (answer-link.ts). It loads
// nothing, writes nothing and sends nothing of its own; a NOTIFY or UPDATE it
// receives goes to the main thread, whose secondary engine or change service acts on it and answers it.
//
// It imports no database code: a thread costs its V8 heap and the answering
// modules, not a second Prisma client.
import type dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { collectGarbage } from './heap';
import { keysOf, snapshotOf, type AnswerSocket, type AnswerThreadData, type FromThread, type ToThread } from './answer-link';
import { EDNS_UDP_LIMIT } from './handler';
import type { HandlerContext } from './request';
import { log as rootLog } from './logger';
import { ResponseCache } from './response-cache';
import { rateLimiterFor } from './rrl';
import { listenUdp } from './udp';
import { ZoneStore } from './zone-store';

const data = workerData as AnswerThreadData;
const port = parentPort!;
const log = rootLog.child({ thread: data.thread }, { level: data.logLevel });
const send = (m: FromThread) => port.postMessage(m);

const store = new ZoneStore();
const ctx: HandlerContext = { store, log, ednsUdpLimit: EDNS_UDP_LIMIT, cache: new ResponseCache(store), readOnly: true };
// Its own share of the rate: it sees only the datagrams the kernel hands it.
const rrl = rateLimiterFor(data.rrl, { answerers: data.answerers, log });
const sockets: dgram.Socket[] = [];

// The answer path catches its own errors; anything else is logged, not fatal: the thread shares
// the main thread's sockets, and its end would close them (answer-threads.ts).
process.on('uncaughtException', (err) => log.error({ err: err.stack ?? String(err) }, 'answer thread: unexpected error'));

async function listen(on: AnswerSocket[]): Promise<void> {
  for (const [i, s] of on.entries()) {
    const at = { address: s.address, port: s.port };
    sockets.push(await listenUdp(ctx, at, { rrl, fd: s.fd, elsewhere: (msg, peer) => send({ t: 'forwarded', listener: i, bytes: msg, peer: { address: peer.address, port: peer.port } }) }));
  }
}

port.on('message', (m: ToThread) => {
  if (m.t === 'zones') {
    if (m.keys) store.tsigKeys = keysOf(m.keys);
    for (const img of m.set) store.set(snapshotOf(img));
    for (const name of m.removed) store.delete(name);
    send({ t: 'applied', id: m.id });
  } else if (m.t === 'listen') {
    // What the images of every zone left behind goes now, not when V8 gets round to it.
    collectGarbage();
    listen(m.sockets).then(
      () => send({ t: 'listening' }),
      (err: Error) => send({ t: 'failed', error: err.message }),
    );
  }
});
