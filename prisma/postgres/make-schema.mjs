#!/usr/bin/env node
// Writes prisma/postgres/schema.prisma from prisma/schema.prisma: the same
// models, only the datasource provider and the client's output folder differ.
// Prisma needs one schema file per provider (the provider is not a variable),
// and we keep the models in one place. Run by `npm run db:generate` (and so at
// postinstall); `node prisma/postgres/make-schema.mjs --check` exits 1 when the
// committed copy is stale, and lib/setup/schema-drift.test.ts does the same.
import fs from 'node:fs';
import path from 'node:path';
import { isMain, swapLines, writeOrCheck } from '../schema-copy.mjs';

const here = import.meta.dirname;
const SOURCE = path.join(here, '..', 'schema.prisma');
const TARGET = path.join(here, 'schema.prisma');

export function postgresSchema(sqliteSchema) {
  const swaps = [
    [/^(\s*provider\s*=\s*)"sqlite"/m, '$1"postgresql"'],
    [/^(\s*url\s*=\s*)"file:[^"]*"/m, '$1"postgresql://localhost/zonekeeper"'],
    [/^(\s*output\s*=\s*)"\.\.\/lib\/generated\/prisma"/m, '$1"../../lib/generated/prisma-pg"'],
  ];
  const out = swapLines(sqliteSchema, swaps, 'prisma/postgres/make-schema.mjs');
  return (
    '// GENERATED from prisma/schema.prisma by prisma/postgres/make-schema.mjs: edit that\n' +
    '// file, then run `npm run db:generate`. Only the provider and output differ.\n' +
    out
  );
}

if (isMain(import.meta.filename)) writeOrCheck(TARGET, postgresSchema(fs.readFileSync(SOURCE, 'utf8')));
