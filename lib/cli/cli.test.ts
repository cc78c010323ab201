// The `zonekeeper` command as an operator runs it: a real process, real
// exit codes, messages on stdout and stderr, against this file's database.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../testing/bind';
import { runZonekeeper } from '../testing/run-program';
import { startWorker } from '../worker/worker';
import { getZone } from '../zones/data';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

function zk(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: process.env, input, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('zonekeeper CLI', () => {
  it('creates a zone, adds and deletes records, lists and exports it', () => {
    const create = zk(['zone', 'create', 'cli.test', '--ns', 'ns1.cli.test.', '--ns', 'ns2.cli.test.']);
    expect(create).toMatchObject({ code: 0 });
    expect(create.stdout).toMatch(/Created zone cli\.test\. with serial 1/);

    const add = zk(['record', 'add', 'cli.test', 'www', 'A', '5m', '192.0.2.10']);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/serial 1 → 2/);
    // Content is taken verbatim: "-all" must not be read as an option.
    expect(zk(['record', 'add', 'cli.test', '@', 'TXT', '1h', '"v=spf1', '-all"']).code).toBe(0);

    const list = zk(['zone', 'list']);
    expect(list.stdout).toMatch(/cli\.test\.\s+primary\s+3\s+5/);

    const exported = zk(['zone', 'export', 'cli.test']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^www\s+300\s+IN\s+A\s+192\.0\.2\.10$/m);
    expect(exported.stdout).toMatch(/"v=spf1 -all"/);

    expect(zk(['record', 'delete', 'cli.test', 'www', 'A']).code).toBe(0);
    expect(zk(['zone', 'export', 'cli.test']).stdout).not.toMatch(/192\.0\.2\.10/);
  });

  it('imports a zone file and refuses a file with a bad line, naming it and changing nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-cli-'));
    const good = path.join(dir, 'good.zone');
    fs.writeFileSync(good, '$ORIGIN imp.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 10 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n');
    expect(zk(['zone', 'import', 'imp.test', good])).toMatchObject({ code: 0 });
    const before = await getZone('imp.test');

    const bad = path.join(dir, 'bad.zone');
    fs.writeFileSync(bad, '$ORIGIN imp.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 11 3600 600 86400 300\nwww IN A 999.1.1.1\n@ IN NS ns1\n');
    const r = zk(['zone', 'import', 'imp.test', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 4/);
    expect(r.stderr).toMatch(/999\.1\.1\.1/);
    expect(await getZone('imp.test')).toEqual(before);
  });

  it('says what to fix on bad input, with exit status 1', () => {
    const badRecord = zk(['record', 'add', 'nosuch.test', 'www', 'A', '300', '192.0.2.1']);
    expect(badRecord.code).toBe(1);
    expect(badRecord.stderr).toMatch(/no zone nosuch\.test\./);
    const usage = zk(['record', 'add', 'cli.test']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/record add needs ZONE NAME TYPE TTL CONTENT/);
    const unknown = zk(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('adds a user with the password from stdin', () => {
    const r = zk(['user', 'add', 'carol', '--role', 'editor'], 'correct horse battery\n');
    expect(r.stdout).toMatch(/Created user carol \(editor\)/);
    const weak = zk(['user', 'add', 'dave', '--role', 'viewer'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 8 characters/);
  });
});

describe('a change while the worker is not running', () => {
  // Before: the CLI printed the new serial and nothing else, so nobody knew the change was not served yet.
  it('says the change is stored and served when the worker starts; with the worker up it says nothing of it', async () => {
    const nobody = String(await freePort('127.0.0.1'));
    const down = spawnSync(process.execPath, [BIN, 'zone', 'create', 'down.cli.test'], { env: { ...process.env, ZK_CONTROL_PORT: nobody }, encoding: 'utf8', timeout: 30_000 });
    expect(down.status).toBe(0);
    expect(down.stdout).toMatch(/Created zone down\.cli\.test\./);
    expect(down.stdout).toMatch(new RegExp(`Stored\\. The DNS worker on this machine is not running \\(nothing answers on 127\\.0\\.0\\.1:${nobody}\\), so it serves this change when it starts`));

    const worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000 });
    try {
      // Asynchronous, so this process's worker can answer the CLI.
      const up = await runZonekeeper(['record', 'add', 'down.cli.test', 'www', 'A', '300', '192.0.2.1'], {
        env: { ...process.env, ZK_CONTROL_PORT: String(worker.controlPort) },
      });
      expect(up.status).toBe(0);
      expect(up.stdout).toMatch(/serial 1 → 2/);
      expect(up.stdout).not.toMatch(/not running/);
    } finally {
      await worker.stop();
    }
  });
});
