// The layering rules of docs/architecture.md, checked on this repository: the
// import rules in .dependency-cruiser.cjs, and no Record or Zone write outside
// lib/zones. Each rule is also run on a small tree that breaks it, so a rule
// that stopped matching would fail here instead of passing quietly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDependencyRules, describeRuleViolation, type RuleViolation } from './testing/dependency-rules';
import { describeTableWrite, findTableWrites, tableWritesIn } from './testing/table-writes';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED_FOR_WRITES = ['lib', 'app', 'components', 'bin'];
const CRUISE_TIMEOUT = 120_000;

describe('this repository', () => {
  it('keeps the import rules (no cycles, nothing web-only in the worker, no database in app/ or components/, lib/zones never imports lib/worker)', async () => {
    const violations = await checkDependencyRules(REPO);
    expect(violations.map(describeRuleViolation).sort()).toEqual([]);
  }, CRUISE_TIMEOUT);

  it('writes the Record and Zone tables only through lib/zones', () => {
    expect(findTableWrites(REPO, SCANNED_FOR_WRITES).map(describeTableWrite)).toEqual([]);
  });
});

/** A tree that breaks every rule once, beside code each rule must let through. */
const BROKEN_TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', jsx: 'react-jsx', paths: { '@/*': ['./*'] } } }),
  'lib/db.ts': "export const db = () => ({});\n",
  'lib/generated/prisma/client.ts': 'export type Zone = { name: string };\n',
  // A cycle, and one closed by a type-only import.
  'lib/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
  'lib/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
  'lib/c.ts': "import type { D } from './d';\nexport type C = { d?: D };\n",
  'lib/d.ts': "import { c } from './uses-c';\nexport type D = { c: typeof c };\n",
  'lib/uses-c.ts': "import type { C } from './c';\nexport const c: C = {};\n",
  // Web-only code in the worker, in lib/dns (type-only) and, through lib/zones, in the CLI.
  'lib/worker/x.ts': "import { NextResponse } from 'next/server';\nexport const x = NextResponse;\n",
  'lib/dns/d.ts': "import type { ReactNode } from 'react';\nexport type Label = ReactNode;\n",
  'lib/cli/c.ts': "import { save } from '@/lib/zones/save';\nexport const run = save;\n",
  'lib/zones/save.ts': "import { revalidatePath } from 'next/cache';\nexport const save = () => revalidatePath('/');\n",
  'lib/worker/ui.ts': "import { Button } from '@/components/button';\nexport const ui = Button;\n",
  'components/button.tsx': 'export const Button = () => null;\n',
  // The database in app/ and components/; a page reading through lib/zones/data.ts is fine.
  'app/p.tsx': "import { db } from '@/lib/db';\nexport default function P() { return String(db()); }\n",
  'components/z.tsx': "import type { Zone } from '../lib/generated/prisma/client';\nexport const Z = (props: { zone: Zone }) => props.zone.name;\n",
  'app/ok/page.tsx': "import { zones } from '@/lib/zones/data';\nexport default function Ok() { return String(zones()); }\n",
  'lib/zones/data.ts': "import { db } from '../db';\nexport const zones = () => db();\n",
  // lib/zones calling into the worker; its test may.
  'lib/zones/y.ts': "import { z } from '../worker/z';\nexport const y = z;\n",
  'lib/zones/y.test.ts': "import { z } from '../worker/z';\nexport const t = z;\n",
  'lib/worker/z.ts': 'export const z = 1;\n',
};

describe('the import rules, on a tree that breaks each of them', () => {
  let root: string;
  let violations: string[];
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-layering-'));
    for (const [file, text] of Object.entries(BROKEN_TREE)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
    // next and react resolve as they do in the repository.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
    violations = (await checkDependencyRules(root)).map((v: RuleViolation) => describeRuleViolation(v));
  }, CRUISE_TIMEOUT);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reports an import cycle, including one closed by a type-only import', () => {
    const cycles = violations
      .filter((v) => v.startsWith('no-cycle: '))
      .map((v) => [...new Set(v.slice('no-cycle: '.length).split(' → '))].sort().join(' '));
    expect(cycles.sort()).toEqual(['lib/a.ts lib/b.ts', 'lib/c.ts lib/d.ts lib/uses-c.ts']);
  });

  it('reports next, react and components/ reached from the worker, lib/dns or the CLI, directly or through another module', () => {
    expect(violations.filter((v) => v.startsWith('runs-outside-next:')).sort()).toEqual([
      'runs-outside-next: lib/cli/c.ts → lib/zones/save.ts → node_modules/next/cache.js',
      'runs-outside-next: lib/dns/d.ts → node_modules/react/index.js',
      'runs-outside-next: lib/worker/ui.ts → components/button.tsx',
      'runs-outside-next: lib/worker/x.ts → node_modules/next/server.js',
    ]);
  });

  it('reports lib/db and the Prisma client imported from app/ or components/, not a page reading through lib/zones', () => {
    expect(violations.filter((v) => v.startsWith('web-without-db:')).sort()).toEqual([
      'web-without-db: app/p.tsx → lib/db.ts',
      'web-without-db: components/z.tsx → lib/generated/prisma/client.ts',
    ]);
  });

  it('reports lib/zones importing lib/worker, not its tests', () => {
    expect(violations.filter((v) => v.startsWith('zones-without-worker:'))).toEqual(['zones-without-worker: lib/zones/y.ts → lib/worker/z.ts']);
  });
});

describe('the Record and Zone write check', () => {
  const write = `import { db } from '../db';
// db().record.create( in a comment is not a write
export async function add(zoneId: number) {
  await db().record.create({ data: { zoneId, name: '@', type: 'A', ttl: 300, content: '192.0.2.1' } });
  await db().zone
    .updateMany({ where: { id: zoneId }, data: { serial: 2 } });
  await db().$executeRaw\`UPDATE "Zone" SET "serial" = \${2} WHERE "id" = \${zoneId}\`;
  await db().$executeRawUnsafe('delete from "Record" where "zoneId" = ?', zoneId);
  await db().$executeRawUnsafe('INSERT INTO "ZoneChange" ("zoneId") VALUES (?)', zoneId);
  return db().zone.findUnique({ where: { id: zoneId } });
}
`;

  it('reports Prisma writes and raw SQL writes to Record and Zone, not reads, comments or other tables', () => {
    expect(tableWritesIn('lib/worker/w.ts', write).map(describeTableWrite)).toEqual([
      'lib/worker/w.ts:4: db().record.create(…)',
      'lib/worker/w.ts:5: db().zone .updateMany(…)',
      'lib/worker/w.ts:7: UPDATE "Zone" SET "serial" = ${} WHERE "id" = ${}',
      'lib/worker/w.ts:8: delete from "Record" where "zoneId" = ?',
    ]);
  });

  it('lets lib/zones, tests and migrations write, and nothing else', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-table-writes-'));
    try {
      for (const file of ['lib/worker/w.ts', 'app/zones/actions.ts', 'lib/zones/mutations.ts', 'lib/worker/w.test.ts', 'lib/testing/seed.ts', 'lib/setup/migrate.ts']) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), write);
      }
      const files = new Set(findTableWrites(root, SCANNED_FOR_WRITES).map((w) => w.file));
      expect([...files].sort()).toEqual(['app/zones/actions.ts', 'lib/worker/w.ts']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
