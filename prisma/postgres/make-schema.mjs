#!/usr/bin/env node
// Writes prisma/postgres/schema.prisma from prisma/schema.prisma: the same
// models, only the datasource provider and the client's output folder differ.
// Prisma needs one schema file per provider (the provider is not a variable),
// and we keep the models in one place. Run by `npm run db:generate` (and so at
// postinstall); `node prisma/postgres/make-schema.mjs --check` exits 1 when the
// committed copy is stale, and lib/setup/schema-drift.test.ts does the same.
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const SOURCE = path.join(here, '..', 'schema.prisma');
const TARGET = path.join(here, 'schema.prisma');

export function postgresSchema(sqliteSchema) {
  const swaps = [
    [/^(\s*provider\s*=\s*)"sqlite"/m, '$1"postgresql"'],
    [/^(\s*url\s*=\s*)"file:[^"]*"/m, '$1"postgresql://localhost/zonekeeper"'],
    [/^(\s*output\s*=\s*)"\.\.\/lib\/generated\/prisma"/m, '$1"../../lib/generated/prisma-pg"'],
  ];
  let out = sqliteSchema;
  for (const [from, to] of swaps) {
    if (!from.test(out)) throw new Error(`prisma/schema.prisma no longer matches ${from}: update prisma/postgres/make-schema.mjs`);
    out = out.replace(from, to);
  }
  return (
    '// GENERATED from prisma/schema.prisma by prisma/postgres/make-schema.mjs: edit that\n' +
    '// file, then run `npm run db:generate`. Only the provider and output differ.\n' +
    out
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const want = postgresSchema(fs.readFileSync(SOURCE, 'utf8'));
  const have = fs.existsSync(TARGET) ? fs.readFileSync(TARGET, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (want !== have) {
      console.error('prisma/postgres/schema.prisma is stale: run `npm run db:generate`');
      process.exit(1);
    }
  } else if (want !== have) {
    fs.writeFileSync(TARGET, want);
    console.log('wrote prisma/postgres/schema.prisma');
  }
}
