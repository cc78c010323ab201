// ZK_DNS_PROCESSES: a bad value stops the worker with the reason, before anything starts.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { dnsProcesses } from './env';

const saved = process.env.ZK_DNS_PROCESSES;
afterEach(() => {
  if (saved === undefined) delete process.env.ZK_DNS_PROCESSES;
  else process.env.ZK_DNS_PROCESSES = saved;
});

describe('ZK_DNS_PROCESSES', () => {
  it('defaults to one process per core, at most 8', () => {
    delete process.env.ZK_DNS_PROCESSES;
    expect(dnsProcesses()).toBe(Math.min(os.availableParallelism(), 8));
  });

  it('takes a whole number from 1 to 64', () => {
    process.env.ZK_DNS_PROCESSES = ' 3 ';
    expect(dnsProcesses()).toBe(3);
    process.env.ZK_DNS_PROCESSES = '1';
    expect(dnsProcesses()).toBe(1);
  });

  it.each(['0', '65', '1.5', 'two', '-2'])('refuses %j, saying what it takes', (raw) => {
    process.env.ZK_DNS_PROCESSES = raw;
    expect(() => dnsProcesses()).toThrow(`ZK_DNS_PROCESSES must be a whole number from 1 to 64, got "${raw}"`);
  });
});
