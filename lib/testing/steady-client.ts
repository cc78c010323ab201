// A DNS client that keeps asking one question over UDP at a steady pace and
// measures how long each answer takes, for tests of a server that must keep
// answering while it does something heavy. It runs on a thread of its own,
// so whatever the test's main thread does meanwhile (a scripted primary
// encoding a big transfer, a garbage collection) neither delays its
// questions nor its clock: what it measures is the server's.
import { Worker } from 'node:worker_threads';
import { encodeMessage } from '../dns/wire';
import { queryMessage } from './dns-client';

export interface SteadyReport {
  sent: number;
  answered: number;
  /** The longest time from a question to its answer; a question never answered counts from its sending to stop(). */
  longestWaitMs: number;
  /** The longest time between two consecutive answers (or from the last answer to the last question). */
  longestGapMs: number;
  /** When the longest wait began, in ms after start. */
  longestWaitAtMs: number;
}

export interface SteadyClient {
  /** Stops asking, waits `graceMs` for late answers, and reports. */
  stop(graceMs?: number): Promise<SteadyReport>;
}

// Plain JavaScript: the thread runs outside the test's TypeScript loader.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const { port, host, query, everyMs } = workerData;
const socket = dgram.createSocket('udp4');
const sentAt = new Map();
const start = performance.now();
let id = 0, sent = 0, answered = 0, longestWait = 0, longestWaitAt = 0, longestGap = 0, lastAnswer = start;
const note = (wait, at) => { if (wait > longestWait) { longestWait = wait; longestWaitAt = at - start; } };
socket.on('message', (msg) => {
  const now = performance.now();
  const at = sentAt.get(msg.readUInt16BE(0));
  if (at === undefined) return;
  sentAt.delete(msg.readUInt16BE(0));
  answered++;
  note(now - at, at);
  longestGap = Math.max(longestGap, now - lastAnswer);
  lastAnswer = now;
});
const buf = Buffer.from(query);
const timer = setInterval(() => {
  id = (id + 1) & 0xffff;
  buf.writeUInt16BE(id, 0);
  sentAt.set(id, performance.now());
  sent++;
  socket.send(buf, port, host);
}, everyMs);
parentPort.on('message', (m) => {
  if (m.stop === 'asking') {
    clearInterval(timer);
    longestGap = Math.max(longestGap, performance.now() - lastAnswer);
    return;
  }
  const now = performance.now();
  for (const at of sentAt.values()) note(now - at, at);
  socket.close();
  parentPort.postMessage({ sent, answered, longestWaitMs: longestWait, longestGapMs: longestGap, longestWaitAtMs: longestWaitAt });
});
`;

export function startSteadyClient(port: number, name: string, type: string, everyMs = 10, host = '127.0.0.1'): SteadyClient {
  const query = encodeMessage(queryMessage(name, type)).buf;
  const worker = new Worker(THREAD, { eval: true, workerData: { port, host, query: Uint8Array.from(query), everyMs } });
  return {
    async stop(graceMs = 1000) {
      worker.postMessage({ stop: 'asking' });
      await new Promise((r) => setTimeout(r, graceMs));
      const report = new Promise<SteadyReport>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ stop: 'report' });
      const r = await report;
      await worker.terminate();
      return r;
    },
  };
}
