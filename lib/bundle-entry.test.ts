// lib/bundle-entry.mjs, which runs the worker from a bundle: the bundled code
// sees import.meta as its sources would, an edit is never run stale, a source
// that does not compile is run through tsx (which reports it), and
// `npm run worker` starts the worker the way lib/worker/command.ts says.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from './testing/run-program';
import { WORKER_NODE_ARGS } from './worker/command';

const ROOT = path.resolve(import.meta.dirname, '..');
// Under lib/generated (ignored by git), one folder per run of this file.
const DIR = path.join(ROOT, 'lib/generated', `bundle-entry-test-${process.pid}`);
const ENTRY = path.relative(ROOT, path.join(DIR, 'entry.ts'));
const run = () => runProgram(process.execPath, ['lib/bundle-entry.mjs', ENTRY, 'an-argument'], { cwd: ROOT, timeoutMs: 60_000 });

beforeAll(() => {
  fs.mkdirSync(path.join(DIR, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(DIR, 'sub/where.ts'), 'export const where = { url: import.meta.url, dirname: import.meta.dirname, filename: import.meta.filename };\nexport const word: string = "first";\n');
  fs.writeFileSync(path.join(DIR, 'entry.ts'), 'import { where, word } from "./sub/where";\nconsole.log(JSON.stringify({ ...where, word, argv: process.argv.slice(1) }));\n');
});

afterAll(() => {
  fs.rmSync(DIR, { recursive: true, force: true });
  const name = ENTRY.replace(/\.ts$/, '').replace(/[\\/]/g, '-');
  for (const f of fs.readdirSync(path.join(ROOT, 'lib/generated/run'))) if (f.startsWith(name)) fs.rmSync(path.join(ROOT, 'lib/generated/run', f));
});

describe('lib/bundle-entry.mjs', () => {
  it('runs the entry bundled, each source seeing its own import.meta and the entry its arguments', async () => {
    const r = await run();
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const source = path.join(DIR, 'sub/where.ts');
    expect(out).toEqual({ url: `file://${source}`, dirname: path.dirname(source), filename: source, word: 'first', argv: [path.join(ROOT, ENTRY), 'an-argument'] });
    // It ran from a bundle, not through tsx.
    expect(fs.readdirSync(path.join(ROOT, 'lib/generated/run')).some((f) => f.startsWith(ENTRY.replace(/\.ts$/, '').replace(/[\\/]/g, '-')) && f.endsWith('.mjs'))).toBe(true);
  });

  it('builds again after an edit to any source it was built from', async () => {
    const file = path.join(DIR, 'sub/where.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"first"', '"second, longer"'));
    expect(JSON.parse((await run()).stdout).word).toBe('second, longer');
  });

  it('runs a source that does not compile through tsx, which says what is wrong', async () => {
    fs.writeFileSync(path.join(DIR, 'entry.ts'), 'const broken = ;\n');
    const r = await run();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`cannot bundle ${ENTRY}`);
    expect(r.stderr).toMatch(/Transform failed|Unexpected ";"/);
  });

  it('is what `npm run worker` runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.worker).toBe(`node ${WORKER_NODE_ARGS.join(' ')}`);
  });
});
