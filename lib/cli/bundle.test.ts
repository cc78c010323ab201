// The `zonekeeper` command runs from its JavaScript bundle (lib/cli/bundle.mjs):
// no TypeScript is compiled when a command runs, an edit under lib/ is served
// at once, and a bundle that cannot be built leaves the command working
// through tsx. Behaviour, not timing: bench/cli.sh measures the time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/bind';
import { eventually } from '../testing/dns-client';
import { workerProcess } from '../testing/worker-process';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-cli-bundle-'));

// Loaded with --import into the command's process: tsx cannot be resolved, and
// loading any TypeScript file fails, so a command that works loaded neither.
const BLOCK_TYPESCRIPT = path.join(dir, 'block-typescript.mjs');
fs.writeFileSync(
  BLOCK_TYPESCRIPT,
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier === 'tsx' || specifier.startsWith('tsx/')) throw new Error('tsx is blocked in this test: ' + specifier);
  const resolved = await next(specifier, context);
  if (/\\\\.[cm]?tsx?$/.test(new URL(resolved.url).pathname)) throw new Error('TypeScript loaded at run time: ' + resolved.url);
  return resolved;
}\`));
`,
);

// Loaded with --require into the command's process: writes the files of the bundle it read (its entry and the
// chunks it loaded) to the file ZK_TEST_READS names, one a line, when it exits.
const RECORD_READS = path.join(dir, 'record-reads.cjs');
fs.writeFileSync(
  RECORD_READS,
  `const fs = require('node:fs');
const read = fs.readFileSync;
const files = new Set();
fs.readFileSync = function (file, ...rest) {
  if (typeof file === 'string' && file.includes('generated/cli/')) files.add(file);
  return read.call(this, file, ...rest);
};
process.on('exit', () => fs.writeFileSync(process.env.ZK_TEST_READS, [...files].join('\\n')));
`,
);

interface ZkOptions {
  blockTypeScript?: boolean;
  /** Variables set for this command, over the test's own. */
  env?: Record<string, string>;
  /** Node options before the script. */
  node?: string[];
}

function zk(root: string, args: string[], opts: ZkOptions = {}): { code: number; stdout: string; stderr: string } {
  const node = [...(opts.blockTypeScript ? ['--import', pathToFileURL(BLOCK_TYPESCRIPT).href] : []), ...(opts.node ?? [])];
  const env = { ...process.env, ...opts.env };
  const r = spawnSync(process.execPath, [...node, path.join(root, 'bin/zonekeeper.mjs'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A database and data folder of their own, empty, for commands whose output must not depend on other tests. */
function freshDatabase(name: string): Record<string, string> {
  const data = fs.mkdtempSync(path.join(dir, `${name}-`));
  return { DATABASE_URL: `file:${path.join(data, 'zk.db')}`, ZK_DATA_DIR: data, ZK_CONTROL_PORT: '1' };
}

/** The bundle's files that `args` read, by what they hold: the Prisma client, better-sqlite3, zod. */
function bundleReads(
  args: string[],
  env: Record<string, string>,
  root = ROOT,
): { code: number; files: string[]; text: string; prisma: boolean; sqlite: boolean; zod: boolean } {
  const reads = path.join(dir, `reads-${path.basename(root)}-${args.join('-')}.txt`);
  const r = zk(root, args, { env: { ...env, ZK_TEST_READS: reads }, node: ['--require', RECORD_READS] });
  // The code it ran, not the code caches beside it.
  const files = fs.readFileSync(reads, 'utf8').split('\n').filter((f) => f.endsWith('.cjs'));
  // Code only: the entry's first line lists the build's inputs, the SQLite addon among them.
  const text = files.map((f) => fs.readFileSync(f, 'latin1').replace(/^\/\/zonekeeper-cli .*\n/, '')).join('\n');
  return {
    code: r.code,
    files,
    text,
    prisma: text.includes('getPrismaClient'),
    sqlite: text.includes('better_sqlite3.node'),
    zod: text.includes('ZodError'),
  };
}

/** A copy of the checkout's code (not its bundle) that a test may edit, sharing node_modules. */
function copyOfCheckout(name: string): string {
  const root = path.join(dir, name);
  for (const item of ['bin', 'lib', 'prisma', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    fs.cpSync(path.join(ROOT, item), path.join(root, item), {
      recursive: true,
      preserveTimestamps: true,
      filter: (src) => src !== path.join(ROOT, 'lib/generated/cli'),
    });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the zonekeeper command in this checkout', () => {
  const bundle = path.join(ROOT, 'lib/generated/cli/zonekeeper.cjs');
  beforeAll(() => {
    // Built now if a source changed since the last build (or by another test file's command).
    expect(zk(ROOT, ['--help']).code).toBe(0);
  });

  it('runs with tsx unavailable and no TypeScript file loaded, and does not rebuild a current bundle', () => {
    const built = fs.statSync(bundle).mtimeMs;
    const create = zk(ROOT, ['zone', 'create', 'bundle.test', '--ns', 'ns1.bundle.test.'], { blockTypeScript: true });
    expect(create.stderr).not.toMatch(/blocked|TypeScript loaded/);
    expect(create).toMatchObject({ code: 0 });
    expect(create.stdout).toMatch(/Created zone bundle\.test\. with serial 1/);

    const add = zk(ROOT, ['record', 'add', 'bundle.test', 'www', 'A', '300', '192.0.2.1'], { blockTypeScript: true });
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toMatch(/serial 1 → 2/);

    const list = zk(ROOT, ['zone', 'list'], { blockTypeScript: true });
    expect(list).toMatchObject({ code: 0 });
    expect(list.stdout).toMatch(/bundle\.test\.\s+primary\s+2\s+3/);

    const help = zk(ROOT, ['--help'], { blockTypeScript: true });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: zonekeeper <command>/);

    const bad = zk(ROOT, ['record', 'add', 'bundle.test'], { blockTypeScript: true });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/record add needs ZONE NAME TYPE TTL CONTENT/);

    expect(fs.statSync(bundle).mtimeMs).toBe(built);
  });

  it('answers --help without loading the Prisma client, SQLite or zod, and a read without zod', () => {
    const env = freshDatabase('reads');
    const help = bundleReads(['--help'], env);
    expect(help).toMatchObject({ code: 0, prisma: false, sqlite: false, zod: false });
    expect(help.files).toContain(bundle);

    // The same check sees them when a command needs them, so its silence above means something.
    const list = bundleReads(['zone', 'list'], env);
    expect(list).toMatchObject({ code: 0, prisma: true, sqlite: true, zod: false });
    const create = bundleReads(['zone', 'create', 'reads.test', '--ns', 'ns1.reads.test.'], env);
    expect(create).toMatchObject({ code: 0, prisma: true, zod: true });
  });

  it('hands a command to the running DNS worker without loading the Prisma client, SQLite or zod', { timeout: 90_000 }, async () => {
    const worker = workerProcess('bundle-reads', { dnsPort: await freePort('127.0.0.1'), controlPort: await freePort('127.0.0.1') });
    try {
      await worker.start();
      const { DATABASE_URL, ZK_DATA_DIR, ZK_CONTROL_PORT } = worker.env as Record<string, string>;
      const env = { DATABASE_URL, ZK_DATA_DIR, ZK_CONTROL_PORT };
      const add = bundleReads(['zone', 'create', 'worker-reads.test', '--ns', 'ns1.worker-reads.test.'], env);
      expect(add).toMatchObject({ code: 0, prisma: false, sqlite: false, zod: false });
      // Its log comes through a pipe this process reads while it waits.
      expect(await eventually(async () => worker.output(), (o) => /"command":"zone create","exitCode":0,.*"msg":"ran a CLI command"/.test(o), 5000)).toMatch(/ran a CLI command/);
      // With the worker stopped the same check sees them, so its silence above means something.
      await worker.stop();
      expect(bundleReads(['zone', 'list'], env)).toMatchObject({ code: 0, prisma: true });
    } finally {
      await worker.remove();
    }
  });

  it('prints what the TypeScript sources print, byte for byte, with the same exit status', () => {
    const tsx = copyOfCheckout('tsx-only');
    // Where the bundle's folder should be, a file: the copy runs its sources through tsx.
    fs.writeFileSync(path.join(tsx, 'lib/generated/cli'), '');
    const commands = [
      ['--help'],
      ['frobnicate'],
      ['zone', 'list'],
      ['zone', 'create', 'same.test', '--ns', 'ns1.same.test.', '--ns', 'ns2.same.test.'],
      ['record', 'add', '--comment', 'first', 'same.test', 'www', 'A', '5m', '192.0.2.1'],
      ['record', 'add', 'same.test', 'www'],
      ['record', 'add', 'missing.test', 'www', 'A', '300', '192.0.2.1'],
      ['record', 'delete', 'same.test', 'www', 'A', '192.0.2.9'],
      ['zone', 'list'],
      ['zone', 'status', 'same.test', '--events', '0'],
      ['zone', 'export', 'same.test'],
    ];
    const [bundled, sources] = [ROOT, tsx].map((root) => {
      const env = freshDatabase('same');
      return commands.map((args) => zk(root, args, { env }));
    });
    // Equal but for when each run made its change (zone status shows the last one's time).
    const timeless = (r: (typeof bundled)[number]) => ({ ...r, stdout: r.stdout.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z \([^)]*\)/g, 'TIME') });
    expect(bundled.map(timeless)).toEqual(sources.map(timeless));
    // Both ran what they should have: a change, and errors.
    expect(bundled[4]!.stdout).toMatch(/serial 1 → 2/);
    expect(bundled.map((r) => r.code)).toEqual([0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
  });
});

describe('the zonekeeper command in a checkout being edited', () => {
  it('serves an edit under lib/ at the next command, from a bundle built again', () => {
    const root = copyOfCheckout('edited');
    expect(zk(root, ['--help']).stdout).toMatch(/^Usage: zonekeeper <command>/);

    const usage = path.join(root, 'lib/cli/usage.ts');
    fs.writeFileSync(usage, fs.readFileSync(usage, 'utf8').replace('Usage: zonekeeper <command>', 'Usage (edited): zonekeeper <command>'));
    const edited = zk(root, ['--help'], { blockTypeScript: true });
    expect(edited).toMatchObject({ code: 0, stderr: '' });
    expect(edited.stdout).toMatch(/^Usage \(edited\): zonekeeper <command>/);
  });

  it('serves an edit to a module that only a command loads, from its chunk built again', () => {
    const root = copyOfCheckout('edited-chunk');
    const env = freshDatabase('edited-chunk');
    expect(zk(root, ['zone', 'list'], { env }).stdout).toMatch(/^No zones yet\./);

    const zoneCommands = path.join(root, 'lib/cli/commands/zone.ts');
    fs.writeFileSync(zoneCommands, fs.readFileSync(zoneCommands, 'utf8').replace("out('No zones yet.", "out('No zones (edited) yet."));
    const edited = zk(root, ['zone', 'list'], { env, blockTypeScript: true });
    expect(edited).toMatchObject({ code: 0, stderr: '' });
    expect(edited.stdout).toMatch(/^No zones \(edited\) yet\./);
  });

  it('serves a change to the builder in every chunk, not only in the entry', () => {
    // Regression: esbuild names a chunk by its code before the CommonJS transform, so a change to the transform
    // alone kept the names, and a build that left an existing chunk file alone served the previous build's code.
    const root = copyOfCheckout('builder-edited');
    const env = freshDatabase('builder-edited');
    expect(bundleReads(['zone', 'list'], env, root).code).toBe(0);
    const builds = () => fs.readdirSync(path.join(root, 'lib/generated/cli')).filter((f) => /^[0-9a-f]{16}$/.test(f));
    const [first] = builds();
    // Built long ago: what counts is that it was in use until now.
    const longAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(path.join(root, 'lib/generated/cli', first!), longAgo, longAgo);

    const builder = path.join(root, 'lib/cli/bundle.mjs');
    const source = fs.readFileSync(builder, 'utf8');
    // The CommonJS transform's options (the build's own say format: 'esm').
    const edited = source.replace("format: 'cjs',", "format: 'cjs', banner: '/* edited builder */',");
    expect(edited).not.toBe(source);
    fs.writeFileSync(builder, edited);
    const after = bundleReads(['zone', 'list'], env, root);
    expect(after).toMatchObject({ code: 0, prisma: true });
    expect(after.files.length).toBeGreaterThan(2);
    for (const file of after.files) expect(fs.readFileSync(file, 'latin1'), file).toContain('/* edited builder */');
    // The build it replaced stays, for a command that started on it and has chunks still to load.
    expect(builds()).toHaveLength(2);
    expect(builds()).toContain(first);
  });

  it('runs the TypeScript through tsx when the bundle cannot be written', () => {
    const root = copyOfCheckout('unwritable');
    // Where the bundle's folder should be, a file: every write into it fails (even for root, which ignores modes).
    fs.writeFileSync(path.join(root, 'lib/generated/cli'), '');
    const help = zk(root, ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: zonekeeper <command>/);
    const usage = zk(root, ['frobnicate']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
