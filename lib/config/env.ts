// Configuration from environment variables, with the defaults the README
// documents. Read once per call so that tests can set variables first.
import os from 'node:os';
import path from 'node:path';
import { parseRange } from '../dns/address-ranges';

export interface ListenAddress {
  address: string;
  port: number;
}

export function dataDir(): string {
  // The hint keeps Turbopack from tracing the whole project into the build for this runtime path.
  return path.resolve(/*turbopackIgnore: true*/ process.env.ZK_DATA_DIR?.trim() || './data');
}

export function webPort(): number {
  return parsePort(process.env.PORT, 3000, 'PORT');
}

/** The address the web app listens on (ZK_WEB_HOST); undefined: every address, as `next start` does. */
export function webHost(): string | undefined {
  return process.env.ZK_WEB_HOST?.trim() || undefined;
}

export function controlPort(): number {
  return parsePort(process.env.ZK_CONTROL_PORT, 5380, 'ZK_CONTROL_PORT');
}

export function dnsListen(): ListenAddress[] {
  const raw = process.env.ZK_DNS_LISTEN?.trim() || '127.0.0.1:5300';
  return raw.split(',').map((s) => parseHostPort(s.trim(), 'ZK_DNS_LISTEN'));
}

function parsePort(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name}=${raw} is not a port number (0-65535)`);
  }
  return n;
}

/** Parses `192.0.2.1:53`, `[2001:db8::1]:53`; without a port, `defaultPort`. */
export function parseHostPort(text: string, what: string, defaultPort?: number): ListenAddress {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([0-9.]+|[A-Za-z0-9.-]+)(?::(\d+))?$/.exec(text);
  const bareV6 = defaultPort !== undefined && /^[0-9a-fA-F:]+$/.test(text) && text.includes('::') ? [text, text, undefined] : null;
  const m = bracketed ?? plain ?? bareV6;
  if (!m) throw new Error(`${what}: "${text}" is not ADDRESS:PORT (IPv6 as [::1]:5300)`);
  if (m[2] === undefined) {
    if (defaultPort === undefined) throw new Error(`${what}: "${text}" needs a port (ADDRESS:PORT)`);
    return { address: m[1]!, port: defaultPort };
  }
  return { address: m[1]!, port: parsePort(m[2], 0, what) };
}

export function formatHostPort(a: ListenAddress): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Seconds between the prober's rounds over every primary zone's secondaries (ZK_PROBE_INTERVAL); 0 turns the timer off. */
export function probeIntervalMs(): number {
  const raw = process.env.ZK_PROBE_INTERVAL?.trim();
  if (!raw) return 60_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`ZK_PROBE_INTERVAL must be a number of seconds (0 to turn probing off), got "${raw}"`);
  return n * 1000;
}

/**
 * ZK_READ_ONLY=1: a worker that only loads zones and answers (e.g. on a
 * PostgreSQL hot standby). No migrations, NOTIFY sending, probes, transfers
 * in or event writes.
 */
export function readOnly(): boolean {
  const raw = process.env.ZK_READ_ONLY?.trim().toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

/**
 * How many processes answer DNS over UDP (ZK_DNS_PROCESSES): one of them does
 * everything else too (TCP, transfers, NOTIFY, probes, the control channel),
 * the others only answer UDP queries from their own copy of the zones, sharing
 * the sockets through node:cluster. Default: one per CPU core, at most 8.
 * Each process holds every zone, so memory grows with the count.
 */
export function dnsProcesses(): number {
  const raw = process.env.ZK_DNS_PROCESSES?.trim();
  if (!raw) return Math.min(os.availableParallelism(), 8);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`ZK_DNS_PROCESSES must be a whole number from 1 to 64, got "${raw}"`);
  return n;
}

/**
 * This worker's name on the events and replica statuses it records
 * (ZK_WORKER_ID), so that several workers on one database can be told apart
 * on the dashboard. Default: host name and the port of the first listener.
 */
export function workerId(listen: ListenAddress[] = dnsListen()): string {
  const set = process.env.ZK_WORKER_ID?.trim();
  if (set) return set;
  const first = listen[0];
  return `${os.hostname()}:${first?.port || `pid${process.pid}`}`;
}

/**
 * Seconds between the worker's polls of the database for changed zones
 * (ZK_POLL_INTERVAL): the fallback behind the control-channel nudge and, on
 * PostgreSQL, LISTEN. Default 1, or 0.5 for a read-only worker (a standby
 * cannot LISTEN, so polling is how it follows replication).
 */
export function pollIntervalMs(readOnlyWorker = readOnly()): number {
  const raw = process.env.ZK_POLL_INTERVAL?.trim();
  if (!raw) return readOnlyWorker ? 500 : 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`ZK_POLL_INTERVAL must be a positive number of seconds, got "${raw}"`);
  return n * 1000;
}

/** Seconds, as a positive whole number, from the variable `name`; `fallback` when unset. */
function positiveSeconds(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a whole number of seconds above 0, got "${raw}"`);
  return n;
}

/**
 * How long a web session lives: it ends after `idleSeconds` without a request
 * (ZK_SESSION_IDLE, default 1 hour) and `maxSeconds` after sign-in whatever
 * the activity (ZK_SESSION_MAX, default 12 hours).
 */
export function sessionLifetime(): { idleSeconds: number; maxSeconds: number } {
  const idleSeconds = positiveSeconds('ZK_SESSION_IDLE', 60 * 60);
  const maxSeconds = positiveSeconds('ZK_SESSION_MAX', 12 * 60 * 60);
  return { idleSeconds: Math.min(idleSeconds, maxSeconds), maxSeconds };
}

/**
 * Reverse proxies whose X-Forwarded-For the web app believes
 * (ZK_TRUSTED_PROXIES: comma-separated address ranges, default none). A
 * request from anywhere else is known by its socket address alone.
 */
export function trustedProxies(): string[] {
  const raw = process.env.ZK_TRUSTED_PROXIES?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      try {
        return parseRange(s);
      } catch (err) {
        throw new Error(`ZK_TRUSTED_PROXIES: ${(err as Error).message}`);
      }
    });
}
