// Configuration from environment variables, with the defaults the README
// documents: the one reader of process.env in lib/ and app/ (DATABASE_URL
// has its own reader, ./database-url.ts, re-exported here). Each function
// reads its variable when called, so that tests can set variables first; a
// bad value throws an error naming the variable and what it takes.
// checkWorkerSettings() and checkWebSettings() read them all at start, so a
// bad value stops the program before it serves.
import os from 'node:os';
import path from 'node:path';
import { AddressError, canonicalIp, formatHost, parseAddressPort, parsePort, parseRange, type HostPort } from '../dns/address';
import { ldapSettings } from './ldap';

export { databaseUrl } from './database-url';

/** Where a listener binds: an IP address and a port (lib/dns/address.ts). */
export type ListenAddress = HostPort;

export function dataDir(): string {
  // The hint keeps Turbopack from tracing the whole project into the build for this runtime path.
  return path.resolve(/*turbopackIgnore: true*/ process.env.ZK_DATA_DIR?.trim() || './data');
}

export function webPort(): number {
  return portVariable('PORT', 3000);
}

/**
 * Where the web app listens (ZK_WEB_LISTEN: `ADDRESS` or `ADDRESS:PORT`, IPv6
 * as `[::1]:3000`; the port otherwise from PORT). Default loopback only, as
 * PowerDNS's web server and API default to: the console holds admin power,
 * so serving other machines is a choice (`0.0.0.0`, `[::]`), best made with a
 * TLS reverse proxy in front.
 */
export function webListen(): ListenAddress {
  const raw = process.env.ZK_WEB_LISTEN?.trim() || '127.0.0.1';
  return named('ZK_WEB_LISTEN', () => parseAddressPort(raw, webPort()));
}

/** The web app's address for people: `http://127.0.0.1:3000`; an all-addresses listener shows as localhost. */
export function webUrl(at: ListenAddress = webListen()): string {
  const host = at.address === '0.0.0.0' || at.address === '::' ? 'localhost' : formatHost(at.address);
  return `http://${host}:${at.port}`;
}

export function controlPort(): number {
  return portVariable('ZK_CONTROL_PORT', 5380);
}

/** The last ZK_DNS_LISTEN parsed: the worker's sweep of secondaries asks for it once a zone. */
let listening: { raw: string; at: readonly ListenAddress[] } | null = null;

export function dnsListen(): readonly ListenAddress[] {
  const raw = process.env.ZK_DNS_LISTEN?.trim() || '127.0.0.1:5300';
  if (listening?.raw !== raw) listening = { raw, at: raw.split(',').map((s) => named('ZK_DNS_LISTEN', () => parseAddressPort(s))) };
  return listening.at;
}

/** A port (1-65535) from the variable `name`; `fallback` when unset or blank. */
function portVariable(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  return raw ? named(name, () => parsePort(raw)) : fallback;
}

/** `parse()`, with the variable's name in front of an address error's message. */
function named<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof AddressError) throw new Error(`${name}: ${err.message}`);
    throw err;
  }
}

/** Seconds between the starts of the prober's sweeps over every primary zone's secondaries (ZK_PROBE_INTERVAL); 0 turns the sweeps off. */
export function probeIntervalMs(): number {
  const raw = process.env.ZK_PROBE_INTERVAL?.trim();
  if (!raw) return 60_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`ZK_PROBE_INTERVAL must be a number of seconds (0 to turn probing off), got "${raw}"`);
  return n * 1000;
}

/**
 * The most zones the prober's sweep probes in a second (ZK_PROBE_RATE,
 * default 1): what the sweep costs, whatever the number of zones. A sweep
 * takes the longer of ZK_PROBE_INTERVAL and zones / rate.
 */
export function probeZonesPerSecond(): number {
  const raw = process.env.ZK_PROBE_RATE?.trim();
  if (!raw) return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`ZK_PROBE_RATE must be a number of zones a second above 0, got "${raw}"`);
  return n;
}

/**
 * ZK_READ_ONLY=1: a worker that only loads zones and answers (e.g. on a
 * PostgreSQL hot standby or a MySQL/MariaDB replica). No migrations, NOTIFY
 * sending, probes, transfers in or event writes; on MySQL its sessions are
 * READ ONLY as well (lib/db-adapters.ts mysqlSessionSql).
 */
export function readOnly(): boolean {
  const raw = process.env.ZK_READ_ONLY?.trim().toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

/**
 * How many threads of the worker answer DNS over UDP (ZK_DNS_THREADS): the
 * main one does everything else too (TCP, transfers, NOTIFY, probes, the
 * control channel), the others only answer UDP queries on the same sockets,
 * from the same zones in shared memory. Default: one per CPU core, at most 8.
 * ZK_DNS_PROCESSES is the older name (when the others were processes, each
 * with its own copy), still read when ZK_DNS_THREADS is not set.
 */
export function dnsThreads(): number {
  const name = !process.env.ZK_DNS_THREADS?.trim() && process.env.ZK_DNS_PROCESSES?.trim() ? 'ZK_DNS_PROCESSES' : 'ZK_DNS_THREADS';
  return wholeNumber(name, Math.min(os.availableParallelism(), 8), 1, 64);
}

/** A whole number from `name`, from `min` to `max`; `fallback` when unset or blank. A bad value throws, naming the variable. */
function wholeNumber(name: string, fallback: number, min: number, max: number, unit = ''): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}${unit}, got "${raw}"`);
  return n;
}

/**
 * What one client may hold of the leader's TCP listener (RFC 7766 §6.2.2,
 * §6.2.3, §10). A client is an IPv4 address or an IPv6 /64 (lib/worker/client-key.ts).
 */
export interface TcpLimits {
  /** Connections open at once, all clients together (ZK_TCP_MAX_CLIENTS). */
  maxConnections: number;
  /** Connections open at once from one client (ZK_TCP_MAX_PER_CLIENT). */
  maxPerClient: number;
  /** After this long a connection takes no new queries, finishes its answers and transfers, and closes; 0: no limit (ZK_TCP_MAX_LIFETIME, seconds). */
  maxLifetimeMs: number;
}

export const TCP_LIMIT_DEFAULTS: TcpLimits = { maxConnections: 200, maxPerClient: 16, maxLifetimeMs: 120_000 };

export function tcpLimits(): TcpLimits {
  return {
    maxConnections: wholeNumber('ZK_TCP_MAX_CLIENTS', TCP_LIMIT_DEFAULTS.maxConnections, 1, 100_000),
    maxPerClient: wholeNumber('ZK_TCP_MAX_PER_CLIENT', TCP_LIMIT_DEFAULTS.maxPerClient, 1, 100_000),
    maxLifetimeMs: wholeNumber('ZK_TCP_MAX_LIFETIME', TCP_LIMIT_DEFAULTS.maxLifetimeMs / 1000, 0, 86_400, ' seconds (0: no limit)') * 1000,
  };
}

/** Response rate limiting over UDP (lib/worker/rrl.ts). */
export interface RrlSettings {
  /** Responses per second to one client prefix for one kind of answer, over all answering threads; 0 turns RRL off (ZK_RRL_RESPONSES_PER_SECOND). */
  responsesPerSecond: number;
  /** Of the responses over the limit, every slip-th is sent truncated and the rest dropped; 0 drops them all (ZK_RRL_SLIP). */
  slip: number;
  /** Clients are counted by IPv4 /ipv4PrefixLength (ZK_RRL_IPV4_PREFIX). */
  ipv4PrefixLength: number;
  /** …and by IPv6 /ipv6PrefixLength (ZK_RRL_IPV6_PREFIX). */
  ipv6PrefixLength: number;
}

export const RRL_DEFAULTS: RrlSettings = { responsesPerSecond: 200, slip: 2, ipv4PrefixLength: 24, ipv6PrefixLength: 56 };

export function rrlSettings(): RrlSettings {
  return {
    responsesPerSecond: wholeNumber('ZK_RRL_RESPONSES_PER_SECOND', RRL_DEFAULTS.responsesPerSecond, 0, 1_000_000_000, ' (0: off)'),
    slip: wholeNumber('ZK_RRL_SLIP', RRL_DEFAULTS.slip, 0, 10),
    ipv4PrefixLength: wholeNumber('ZK_RRL_IPV4_PREFIX', RRL_DEFAULTS.ipv4PrefixLength, 8, 32),
    ipv6PrefixLength: wholeNumber('ZK_RRL_IPV6_PREFIX', RRL_DEFAULTS.ipv6PrefixLength, 16, 64),
  };
}

/**
 * This worker's name on the events and replica statuses it records
 * (ZK_WORKER_ID), so that several workers on one database can be told apart
 * on the dashboard. Default: host name and the port of the first listener.
 */
export function workerId(listen: readonly ListenAddress[] = dnsListen()): string {
  const set = process.env.ZK_WORKER_ID?.trim();
  if (set) return set;
  const first = listen[0];
  return `${os.hostname()}:${first?.port || `pid${process.pid}`}`;
}

/**
 * Seconds between the worker's polls of the database for changed zones
 * (ZK_POLL_INTERVAL): the fallback behind the control-channel nudge and
 * the database's change feed (PostgreSQL LISTEN, MySQL/MariaDB's change
 * sequence). Default 1, or 0.5 for a read-only worker (a PostgreSQL standby
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
    .map((s) => named('ZK_TRUSTED_PROXIES', () => parseRange(s)));
}

/** A number of seconds above 0 (fractions allowed) from the variable `name`; `fallback` when unset or blank. */
function secondsAboveZero(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number of seconds above 0, got "${raw}"`);
  return n;
}

/** How many days a deleted zone is kept for restoring (ZK_DELETED_ZONE_DAYS, default 30, 1 to 3650). */
export function deletedZoneDays(): number {
  return wholeNumber('ZK_DELETED_ZONE_DAYS', 30, 1, 3650, ' days');
}

/**
 * How many days of zone events (NOTIFYs, transfers, probes, updates, …) are
 * kept for the dashboard, the doctor and `zone status` (ZK_EVENT_DAYS,
 * default 30, 1 to 3650).
 */
export function eventDays(): number {
  return wholeNumber('ZK_EVENT_DAYS', 30, 1, 3650, ' days');
}

/**
 * How many days of lag samples and commit-to-serving times are kept for the
 * replication charts (ZK_LAG_DAYS, default 8: the week view stays whole
 * however the day boundaries fall; 1 to 366).
 */
export function lagDays(): number {
  return wholeNumber('ZK_LAG_DAYS', 8, 1, 366, ' days');
}

/** PostgreSQL connections each process keeps (ZK_DB_POOL, default 10). */
export function dbPoolSize(): number {
  return wholeNumber('ZK_DB_POOL', 10, 1, 1000);
}

/** How many journal entries an IXFR may span (ZK_IXFR_MAX_CHANGES, default 1000); beyond, a full transfer is cheaper. */
export function ixfrMaxChanges(): number {
  return wholeNumber('ZK_IXFR_MAX_CHANGES', 1000, 1, 1_000_000);
}

/** How long a secondary may lag a change before it counts as behind rather than propagating (ZK_BEHIND_AFTER, seconds, default 300). */
export function behindAfterMs(): number {
  return secondsAboveZero('ZK_BEHIND_AFTER', 300) * 1000;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The worker's log level (ZK_LOG_LEVEL); default info, or warn under tests (NODE_ENV=test). */
export function logLevel(): LogLevel {
  const raw = process.env.ZK_LOG_LEVEL?.trim();
  if (!raw) return process.env.NODE_ENV === 'test' ? 'warn' : 'info';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level) throw new Error(`ZK_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

/** The source address of outgoing NOTIFY messages (ZK_NOTIFY_SOURCE); default the first DNS listen address. */
export function notifySource(): string | undefined {
  const raw = process.env.ZK_NOTIFY_SOURCE?.trim();
  if (!raw) return dnsListen()[0]?.address;
  const address = canonicalIp(raw);
  if (address === null) throw new Error(`ZK_NOTIFY_SOURCE: "${raw}" is not an IP address (like 192.0.2.1 or 2001:db8::1)`);
  return address;
}

/** Source addresses for a secondary zone's SOA checks and transfers, one per address family. */
export interface TransferSource {
  ipv4?: string;
  ipv6?: string;
}

/**
 * ZK_TRANSFER_SOURCE, like BIND's transfer-source: at most one IPv4 and one
 * IPv6 address, comma-separated. A socket to an IPv4 primary binds the IPv4
 * one, to an IPv6 primary the IPv6 one; a family left out (or the variable
 * unset) leaves the choice to the kernel. No port: transfers run in parallel,
 * and each needs a port of its own.
 */
export function transferSource(): TransferSource {
  const raw = process.env.ZK_TRANSFER_SOURCE?.trim();
  const source: TransferSource = {};
  if (!raw) return source;
  for (const part of raw.split(',').map((p) => p.trim())) {
    const address = canonicalIp(part.replace(/^\[(.*)\]$/, '$1'));
    if (address === null) throw new Error(`ZK_TRANSFER_SOURCE: "${part}" is not an IP address; give at most one IPv4 and one IPv6 address, comma-separated, without a port (like 192.0.2.1,2001:db8::1)`);
    const family = address.includes(':') ? 'ipv6' : 'ipv4';
    if (source[family]) throw new Error(`ZK_TRANSFER_SOURCE: two ${family === 'ipv4' ? 'IPv4' : 'IPv6'} addresses (${source[family]} and ${address}); give at most one of each`);
    source[family] = address;
  }
  return source;
}

/** The password of the first admin user, read on the first start only (ZK_ADMIN_PASSWORD); undefined when unset or empty. */
export function adminPassword(): string | undefined {
  return process.env.ZK_ADMIN_PASSWORD || undefined;
}

/** The bearer token /api/metrics accepts (ZK_METRICS_TOKEN); empty when unset. Its length is judged by the route, which says what is wrong. */
export function metricsToken(): string {
  return process.env.ZK_METRICS_TOKEN ?? '';
}

/** The limits a secondary zone's refresh and retry intervals are held within (lib/worker/secondary/timers.ts). */
export interface RefreshLimits {
  /** The shortest refresh and retry interval taken from a primary's SOA (ZK_REFRESH_MIN). */
  minSeconds: number;
  /** The longest (ZK_REFRESH_MAX). */
  maxSeconds: number;
  /**
   * The longest wait between two tries after failed refreshes (ZK_RETRY_MAX).
   * A copy that missed a change (a transfer broken off, a primary briefly
   * away) must not stay behind for a doubled SOA retry of most of an hour:
   * RFC 1035 §4.3.5 has the secondary retry every RETRY seconds, not ever
   * more rarely.
   */
  retryMaxSeconds: number;
}

/**
 * One minute to one day: a NOTIFY moves changes at once, polling is the
 * fallback. After failures, tries at most five minutes apart.
 */
export const DEFAULT_REFRESH_LIMITS: RefreshLimits = { minSeconds: 60, maxSeconds: 86_400, retryMaxSeconds: 300 };

/** 2^31 milliseconds, the longest a Node timer waits. */
const MAX_TIMER_SECONDS = 2_147_483;

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * ZK_REFRESH_MIN / ZK_REFRESH_MAX / ZK_RETRY_MAX (seconds); throws on a value
 * that is not a whole number of seconds, on min > max, or on a retry cap
 * outside min..max. Unset, the maximum is raised to the minimum and the
 * retry cap is its default moved into min..max.
 */
export function refreshLimits(): RefreshLimits {
  const unit = ' seconds';
  const minSeconds = wholeNumber('ZK_REFRESH_MIN', DEFAULT_REFRESH_LIMITS.minSeconds, 1, MAX_TIMER_SECONDS, unit);
  const maxSeconds = wholeNumber('ZK_REFRESH_MAX', Math.max(DEFAULT_REFRESH_LIMITS.maxSeconds, minSeconds), 1, MAX_TIMER_SECONDS, unit);
  if (minSeconds > maxSeconds) throw new Error(`ZK_REFRESH_MIN (${minSeconds}) is above ZK_REFRESH_MAX (${maxSeconds})`);
  const retryMaxSeconds = wholeNumber('ZK_RETRY_MAX', clamp(DEFAULT_REFRESH_LIMITS.retryMaxSeconds, minSeconds, maxSeconds), 1, MAX_TIMER_SECONDS, unit);
  if (retryMaxSeconds < minSeconds || retryMaxSeconds > maxSeconds) {
    throw new Error(`ZK_RETRY_MAX (${retryMaxSeconds}) must lie between ZK_REFRESH_MIN (${minSeconds}) and ZK_REFRESH_MAX (${maxSeconds})`);
  }
  return { minSeconds, maxSeconds, retryMaxSeconds };
}

/** The signer's clocks (issue 19), in seconds. */
export interface DnssecTimers {
  /** How long a signature is valid from its making (ZK_DNSSEC_VALIDITY; default two weeks). */
  validitySeconds: number;
  /** Signatures expiring within this are made again (ZK_DNSSEC_REFRESH; default a week, at most half the validity). */
  refreshSeconds: number;
  /** How long a ZSK signs before the worker rolls it (ZK_DNSSEC_ZSK_LIFETIME; default 90 days). */
  zskLifetimeSeconds: number;
  /**
   * How long each rollover step waits for caches to catch up (ZK_DNSSEC_KEY_WAIT; default two
   * days): a new key is published this long before it signs, and a retired one stays published
   * this long after. It must exceed the DNSKEY TTL (3,600 s) and the zone's longest TTL.
   */
  keyWaitSeconds: number;
}

/** ZK_DNSSEC_VALIDITY / _REFRESH / _ZSK_LIFETIME / _KEY_WAIT; short values let tests run a rollover in seconds. */
export function dnssecTimers(): DnssecTimers {
  const unit = ' seconds';
  const validitySeconds = wholeNumber('ZK_DNSSEC_VALIDITY', 14 * 86_400, 10, 365 * 86_400, unit);
  const refreshSeconds = wholeNumber('ZK_DNSSEC_REFRESH', Math.min(7 * 86_400, Math.floor(validitySeconds / 2)), 5, 365 * 86_400, unit);
  if (refreshSeconds >= validitySeconds) throw new Error(`ZK_DNSSEC_REFRESH (${refreshSeconds}) must be below ZK_DNSSEC_VALIDITY (${validitySeconds})`);
  const zskLifetimeSeconds = wholeNumber('ZK_DNSSEC_ZSK_LIFETIME', 90 * 86_400, 1, 10 * 365 * 86_400, unit);
  const keyWaitSeconds = wholeNumber('ZK_DNSSEC_KEY_WAIT', 2 * 86_400, 1, 365 * 86_400, unit);
  return { validitySeconds, refreshSeconds, zskLifetimeSeconds, keyWaitSeconds };
}

/** Reads every setting the DNS worker takes, so that a bad one stops it at start with the reason. */
export function checkWorkerSettings(): void {
  for (const read of [dataDir, dnsListen, controlPort, dnsThreads, tcpLimits, rrlSettings, probeIntervalMs, probeZonesPerSecond, pollIntervalMs, workerId, ixfrMaxChanges, refreshLimits, notifySource, transferSource, logLevel, dbPoolSize, dnssecTimers, lagDays, eventDays]) read();
}

/** Reads every setting the web app takes, so that a bad one stops it at start with the reason. */
export function checkWebSettings(): void {
  for (const read of [dataDir, webListen, controlPort, trustedProxies, sessionLifetime, behindAfterMs, dbPoolSize, dnssecTimers, ldapSettings, deletedZoneDays, lagDays, eventDays]) read();
}
