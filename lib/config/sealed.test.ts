import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SealError, seal, unseal } from './sealed';

describe('sealed values (DNSSEC private keys at rest)', () => {
  let dir: string;
  let before: string | undefined;
  beforeEach(() => {
    before = process.env.ZK_DATA_DIR;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-seal-'));
    process.env.ZK_DATA_DIR = dir;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.ZK_DATA_DIR;
    else process.env.ZK_DATA_DIR = before;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens what it sealed, and the stored text does not contain the secret', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
    const sealed = seal(pem, 'z.test./12345', true);
    expect(sealed).not.toContain('PRIVATE');
    expect(unseal(sealed, 'z.test./12345')).toBe(pem);
    expect(fs.statSync(path.join(dir, 'dnssec-secret')).mode & 0o077).toBe(0);
  });

  it('refuses a sealed value moved to another zone or key', () => {
    const sealed = seal('key', 'a.test./1', true);
    expect(() => unseal(sealed, 'b.test./1')).toThrow(SealError);
  });

  it('says to copy the secret when this machine has another one or none', () => {
    const sealed = seal('key', 'a.test./1', true);
    fs.writeFileSync(path.join(dir, 'dnssec-secret'), 'another-secret-of-enough-length-0123456789abcdef\n');
    expect(() => unseal(sealed, 'a.test./1')).toThrow(/Copy dnssec-secret from the machine that signed/);
    fs.rmSync(path.join(dir, 'dnssec-secret'));
    expect(() => unseal(sealed, 'a.test./1')).toThrow(/dnssec-secret is missing/);
    // A caller that already holds sealed keys must not get a fresh secret that would orphan them.
    expect(() => seal('key', 'a.test./2', false)).toThrow(/dnssec-secret is missing/);
    expect(fs.existsSync(path.join(dir, 'dnssec-secret'))).toBe(false);
  });

  it('refuses a damaged row with a clear message', () => {
    seal('key', 'a.test./1', true);
    expect(() => unseal('not sealed', 'a.test./1')).toThrow(/damaged/);
  });
});
