// Settings from the environment: a bad value stops the program with the variable named and what it takes, before anything starts.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deletedZoneDays,
  behindAfterMs,
  controlPort,
  dbPoolSize,
  DEFAULT_REFRESH_LIMITS,
  dnsListen,
  dnsThreads,
  eventDays,
  ixfrMaxChanges,
  lagDays,
  logLevel,
  notifySource,
  refreshLimits,
  rrlSettings,
  tcpLimits,
  transferSource,
  webListen,
  webPort,
} from './env';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('ZK_DNS_THREADS', () => {
  it('defaults to one thread per core, at most 8', () => {
    delete process.env.ZK_DNS_THREADS;
    delete process.env.ZK_DNS_PROCESSES;
    expect(dnsThreads()).toBe(Math.min(os.availableParallelism(), 8));
  });

  it('takes a whole number from 1 to 64', () => {
    process.env.ZK_DNS_THREADS = ' 3 ';
    expect(dnsThreads()).toBe(3);
    process.env.ZK_DNS_THREADS = '1';
    expect(dnsThreads()).toBe(1);
  });

  it('still reads the older name ZK_DNS_PROCESSES, unless ZK_DNS_THREADS is set', () => {
    delete process.env.ZK_DNS_THREADS;
    process.env.ZK_DNS_PROCESSES = '1';
    expect(dnsThreads()).toBe(1);
    process.env.ZK_DNS_THREADS = '2';
    expect(dnsThreads()).toBe(2);
  });

  it.each(['0', '65', '1.5', 'two', '-2'])('refuses %j, saying what it takes', (raw) => {
    delete process.env.ZK_DNS_PROCESSES;
    process.env.ZK_DNS_THREADS = raw;
    expect(() => dnsThreads()).toThrow(`ZK_DNS_THREADS must be a whole number from 1 to 64, got "${raw}"`);
    delete process.env.ZK_DNS_THREADS;
    process.env.ZK_DNS_PROCESSES = raw;
    expect(() => dnsThreads()).toThrow(`ZK_DNS_PROCESSES must be a whole number from 1 to 64, got "${raw}"`);
  });
});

describe('TCP limits (ZK_TCP_*)', () => {
  it('default to 200 connections, 16 per client, 120 s each', () => {
    for (const k of ['ZK_TCP_MAX_CLIENTS', 'ZK_TCP_MAX_PER_CLIENT', 'ZK_TCP_MAX_LIFETIME']) delete process.env[k];
    expect(tcpLimits()).toEqual({ maxConnections: 200, maxPerClient: 16, maxLifetimeMs: 120_000 });
  });

  it('take whole numbers; a lifetime of 0 is no limit', () => {
    Object.assign(process.env, { ZK_TCP_MAX_CLIENTS: '500', ZK_TCP_MAX_PER_CLIENT: ' 4 ', ZK_TCP_MAX_LIFETIME: '0' });
    expect(tcpLimits()).toEqual({ maxConnections: 500, maxPerClient: 4, maxLifetimeMs: 0 });
  });

  it.each([
    ['ZK_TCP_MAX_CLIENTS', '0', 'ZK_TCP_MAX_CLIENTS must be a whole number from 1 to 100000, got "0"'],
    ['ZK_TCP_MAX_PER_CLIENT', 'many', 'ZK_TCP_MAX_PER_CLIENT must be a whole number from 1 to 100000, got "many"'],
    ['ZK_TCP_MAX_LIFETIME', '2m', 'ZK_TCP_MAX_LIFETIME must be a whole number from 0 to 86400 seconds (0: no limit), got "2m"'],
  ])('refuses %s=%j, saying what it takes', (name, raw, message) => {
    process.env[name] = raw;
    expect(() => tcpLimits()).toThrow(message);
  });
});

describe('response rate limiting (ZK_RRL_*)', () => {
  it('defaults to 200 responses a second, slip 2, IPv4 /24 and IPv6 /56', () => {
    for (const k of ['ZK_RRL_RESPONSES_PER_SECOND', 'ZK_RRL_SLIP', 'ZK_RRL_IPV4_PREFIX', 'ZK_RRL_IPV6_PREFIX']) delete process.env[k];
    expect(rrlSettings()).toEqual({ responsesPerSecond: 200, slip: 2, ipv4PrefixLength: 24, ipv6PrefixLength: 56 });
  });

  it('is turned off with 0', () => {
    process.env.ZK_RRL_RESPONSES_PER_SECOND = '0';
    expect(rrlSettings().responsesPerSecond).toBe(0);
  });

  it.each([
    ['ZK_RRL_RESPONSES_PER_SECOND', '-1', 'ZK_RRL_RESPONSES_PER_SECOND must be a whole number from 0 to 1000000000 (0: off), got "-1"'],
    ['ZK_RRL_SLIP', '11', 'ZK_RRL_SLIP must be a whole number from 0 to 10, got "11"'],
    ['ZK_RRL_IPV4_PREFIX', '33', 'ZK_RRL_IPV4_PREFIX must be a whole number from 8 to 32, got "33"'],
    ['ZK_RRL_IPV6_PREFIX', '128', 'ZK_RRL_IPV6_PREFIX must be a whole number from 16 to 64, got "128"'],
  ])('refuses %s=%j, saying what it takes', (name, raw, message) => {
    process.env[name] = raw;
    expect(() => rrlSettings()).toThrow(message);
  });
});

describe('listen addresses and ports', () => {
  it('read ZK_DNS_LISTEN and ZK_WEB_LISTEN canonical, the web port from PORT when not given', () => {
    process.env.ZK_DNS_LISTEN = '127.0.0.1:5300, [::1]:5300';
    expect(dnsListen()).toEqual([
      { address: '127.0.0.1', port: 5300 },
      { address: '::1', port: 5300 },
    ]);
    process.env.ZK_WEB_LISTEN = '::';
    process.env.PORT = '8080';
    expect(webListen()).toEqual({ address: '::', port: 8080 });
  });

  it('refuses a host name as a listen address', () => {
    process.env.ZK_DNS_LISTEN = 'localhost:5300';
    expect(() => dnsListen()).toThrow('ZK_DNS_LISTEN: "localhost:5300" is not an IP address');
  });
});

describe('refresh limits (ZK_REFRESH_MIN, ZK_REFRESH_MAX, ZK_RETRY_MAX)', () => {
  const set = (vars: Record<string, string>) => {
    for (const k of ['ZK_REFRESH_MIN', 'ZK_REFRESH_MAX', 'ZK_RETRY_MAX']) delete process.env[k];
    Object.assign(process.env, vars);
  };

  it('default to one minute .. one day, retries at most five minutes apart', () => {
    set({});
    expect(refreshLimits()).toEqual(DEFAULT_REFRESH_LIMITS);
    expect(refreshLimits()).toEqual({ minSeconds: 60, maxSeconds: 86_400, retryMaxSeconds: 300 });
  });

  it('are read from the three variables', () => {
    set({ ZK_REFRESH_MIN: '1', ZK_REFRESH_MAX: '600', ZK_RETRY_MAX: '120' });
    expect(refreshLimits()).toEqual({ minSeconds: 1, maxSeconds: 600, retryMaxSeconds: 120 });
    // A minimum above the default maximum raises the maximum with it, and the retry cap with both.
    set({ ZK_REFRESH_MIN: '100000' });
    expect(refreshLimits()).toEqual({ minSeconds: 100_000, maxSeconds: 100_000, retryMaxSeconds: 100_000 });
    // A maximum below the default retry cap lowers it.
    set({ ZK_REFRESH_MIN: '1', ZK_REFRESH_MAX: '30' });
    expect(refreshLimits()).toEqual({ minSeconds: 1, maxSeconds: 30, retryMaxSeconds: 30 });
  });

  it.each([
    [{ ZK_RETRY_MAX: '30' }, 'ZK_RETRY_MAX (30) must lie between ZK_REFRESH_MIN (60) and ZK_REFRESH_MAX (86400)'],
    [{ ZK_RETRY_MAX: '100000' }, 'ZK_RETRY_MAX (100000) must lie between'],
    [{ ZK_RETRY_MAX: 'soon' }, 'ZK_RETRY_MAX must be a whole number from 1 to 2147483 seconds, got "soon"'],
    [{ ZK_REFRESH_MIN: '0' }, 'ZK_REFRESH_MIN must be a whole number from 1 to 2147483 seconds, got "0"'],
    [{ ZK_REFRESH_MIN: '-5' }, 'ZK_REFRESH_MIN must be a whole number'],
    [{ ZK_REFRESH_MIN: '1.5' }, 'ZK_REFRESH_MIN must be a whole number'],
    [{ ZK_REFRESH_MIN: '600', ZK_REFRESH_MAX: '60' }, 'ZK_REFRESH_MIN (600) is above ZK_REFRESH_MAX (60)'],
  ])('refuse %j, saying why', (vars, message) => {
    set(vars);
    expect(() => refreshLimits()).toThrow(message);
  });
});

describe('other settings, and bad values', () => {
  it('take their defaults when unset', () => {
    for (const k of ['ZK_DB_POOL', 'ZK_IXFR_MAX_CHANGES', 'ZK_BEHIND_AFTER', 'ZK_LOG_LEVEL', 'ZK_NOTIFY_SOURCE']) delete process.env[k];
    process.env.ZK_DNS_LISTEN = '[::1]:5300';
    expect([dbPoolSize(), ixfrMaxChanges(), behindAfterMs(), notifySource()]).toEqual([10, 1000, 300_000, '::1']);
    (process.env as Record<string, string>).NODE_ENV = 'production';
    expect(logLevel()).toBe('info');
  });

  it('take good values', () => {
    Object.assign(process.env, { ZK_DB_POOL: '25', ZK_IXFR_MAX_CHANGES: '50', ZK_BEHIND_AFTER: '0.5', ZK_LOG_LEVEL: 'Debug', ZK_NOTIFY_SOURCE: ' 192.0.2.53 ' });
    expect([dbPoolSize(), ixfrMaxChanges(), behindAfterMs(), logLevel(), notifySource()]).toEqual([25, 50, 500, 'debug', '192.0.2.53']);
  });

  // Bugs: ZK_DB_POOL=ten made a pool of NaN connections, and a bad ZK_IXFR_MAX_CHANGES or ZK_BEHIND_AFTER was silently
  // replaced by the default; port 0 was taken for a listener (a port nobody knows) and refused elsewhere: now everywhere.
  const portRule = 'the port must be a whole number from 1 to 65535';
  const notAPort = 'is not a port: use a whole number from 1 to 65535';
  it.each<[string, () => unknown, [raw: string, message: string][]]>([
    ['ZK_DNS_LISTEN', dnsListen, [['127.0.0.1:0', `ZK_DNS_LISTEN: "127.0.0.1:0": ${portRule}`]]],
    ['ZK_WEB_LISTEN', webListen, [['[::1]:0', `ZK_WEB_LISTEN: "[::1]:0": ${portRule}`]]],
    ['PORT', webPort, [['0', `PORT: "0" ${notAPort}`], ['http', `PORT: "http" ${notAPort}`]]],
    ['ZK_CONTROL_PORT', controlPort, [['0', `ZK_CONTROL_PORT: "0" ${notAPort}`]]],
    ['ZK_DB_POOL', dbPoolSize, [['ten', 'ZK_DB_POOL must be a whole number from 1 to 1000, got "ten"'], ['0', 'ZK_DB_POOL must be a whole number from 1 to 1000, got "0"']]],
    ['ZK_IXFR_MAX_CHANGES', ixfrMaxChanges, [['lots', 'ZK_IXFR_MAX_CHANGES must be a whole number from 1 to 1000000, got "lots"'], ['-1', 'ZK_IXFR_MAX_CHANGES must be a whole number from 1 to 1000000, got "-1"']]],
    ['ZK_BEHIND_AFTER', behindAfterMs, [['5m', 'ZK_BEHIND_AFTER must be a number of seconds above 0, got "5m"'], ['0', 'ZK_BEHIND_AFTER must be a number of seconds above 0, got "0"']]],
    ['ZK_LOG_LEVEL', logLevel, [['verbose', 'ZK_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"']]],
    ['ZK_NOTIFY_SOURCE', notifySource, [['ns1.example.net', 'ZK_NOTIFY_SOURCE: "ns1.example.net" is not an IP address']]],
  ])('a bad %s is refused, saying what it takes', (name, read, cases) => {
    for (const [raw, message] of cases) {
      process.env[name] = raw;
      expect(read).toThrow(message);
    }
  });
});

describe('ZK_TRANSFER_SOURCE', () => {
  it('is empty when unset: the kernel picks the source, as before', () => {
    delete process.env.ZK_TRANSFER_SOURCE;
    expect(transferSource()).toEqual({});
    process.env.ZK_TRANSFER_SOURCE = ' ';
    expect(transferSource()).toEqual({});
  });

  it.each([
    ['127.0.0.9', { ipv4: '127.0.0.9' }],
    ['2001:DB8::53', { ipv6: '2001:db8::53' }],
    [' [2001:db8::53] , 192.0.2.53 ', { ipv4: '192.0.2.53', ipv6: '2001:db8::53' }],
  ])('takes %j as one address per family', (raw, want) => {
    process.env.ZK_TRANSFER_SOURCE = raw;
    expect(transferSource()).toEqual(want);
  });

  it.each([
    ['ns1.example.net', 'ZK_TRANSFER_SOURCE: "ns1.example.net" is not an IP address'],
    ['127.0.0.9:5300', 'ZK_TRANSFER_SOURCE: "127.0.0.9:5300" is not an IP address; give at most one IPv4 and one IPv6 address, comma-separated, without a port'],
    ['127.0.0.9,', 'ZK_TRANSFER_SOURCE: "" is not an IP address'],
    ['127.0.0.9,127.0.0.10', 'ZK_TRANSFER_SOURCE: two IPv4 addresses (127.0.0.9 and 127.0.0.10); give at most one of each'],
    ['::1,2001:db8::1', 'ZK_TRANSFER_SOURCE: two IPv6 addresses (::1 and 2001:db8::1)'],
  ])('refuses %j, saying why', (raw, message) => {
    process.env.ZK_TRANSFER_SOURCE = raw;
    expect(transferSource).toThrow(message);
  });
});

// The retention settings: each has a default, takes a whole number of days within its range, and
// names itself and the bad value otherwise.
describe.each([
  { name: 'ZK_LAG_DAYS', read: lagDays, what: 'lag history 8 days (a whole week to chart)', fallback: 8, set: '30', bad: '0.5', range: '1 to 366' },
  { name: 'ZK_EVENT_DAYS', read: eventDays, what: 'zone events 30 days', fallback: 30, set: '365', bad: '0', range: '1 to 3650' },
  { name: 'ZK_DELETED_ZONE_DAYS', read: deletedZoneDays, what: 'deleted zones 30 days', fallback: 30, set: '7', bad: '0', range: '1 to 3650' },
])('$name', ({ name, read, what, fallback, set, bad, range }) => {
  it(`keeps ${what} unless told, and names the variable when the value is bad`, () => {
    delete process.env[name];
    expect(read()).toBe(fallback);
    process.env[name] = set;
    expect(read()).toBe(Number(set));
    process.env[name] = bad;
    expect(() => read()).toThrow(`${name} must be a whole number from ${range} days, got "${bad}"`);
    delete process.env[name];
  });
});
