#!/usr/bin/env node
// Turns PostgreSQL DDL written by `prisma migrate diff` into MySQL/MariaDB DDL.
// Prisma's schema engine cannot write MySQL SQL here (its WASM build has no
// MySQL connector and crashes), so MySQL migrations are the PostgreSQL ones
// translated, with each String column's type taken from the @db attribute
// prisma/mysql/make-schema.mjs gave it.
//
//   node prisma/mysql/translate.mjs PG_SQL_FILE [MYSQL_SCHEMA] > migration.sql
//
// The next migration, after editing prisma/schema.prisma and running
// `npm run db:generate` (keep the old PostgreSQL schema as /tmp/old.prisma):
//   npx prisma migrate diff --from-schema-datamodel /tmp/old.prisma \
//     --to-schema-datamodel prisma/postgres/schema.prisma --script > /tmp/pg.sql
//   mkdir prisma/mysql/migrations/<timestamp>_<name>
//   node prisma/mysql/translate.mjs /tmp/pg.sql > prisma/mysql/migrations/<timestamp>_<name>/migration.sql
// CREATE TABLE, ADD COLUMN, CREATE INDEX and foreign keys translate; anything
// else (ALTER COLUMN … TYPE, DROP DEFAULT, UPDATEs with PostgreSQL functions)
// fails here and is written by hand. MySQL commits each DDL statement, so a
// file is applied statement by statement (lib/setup/migrate-mysql.ts): keep
// one statement per `;` at a line's end, and no procedures.
import fs from 'node:fs';
import path from 'node:path';
import { isMain } from '../schema-copy.mjs';

const here = import.meta.dirname;

/**
 * Columns searched without regard to case (lib/db.ts textContains): MySQL
 * has no `mode: 'insensitive'`, so the column's collation does it, as ILIKE
 * does on PostgreSQL. Everything else compares byte by byte (utf8mb4_bin).
 */
const CASE_INSENSITIVE = new Set(['Change.comment', 'DeletedChange.comment']);

/** Over this many characters a VARCHAR holds a DNS name: ASCII, so that 1024 characters fit an index key. */
const NAME_LENGTH = 191;

const TABLE_END = ') ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;';

/** "Model.field" → the MySQL column type its @db attribute asks for. */
export function stringTypes(schema) {
  const types = new Map();
  for (const model of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm))
    for (const f of model[2].matchAll(/^\s+(\w+)\s+String\??[^\n]*?@db\.(\w+)(?:\((\d+)\))?/gm)) {
      const key = `${model[1]}.${f[1]}`;
      let type = f[2] === 'VarChar' ? `VARCHAR(${f[3]})` : f[2].toUpperCase();
      if (f[2] === 'VarChar' && Number(f[3]) > NAME_LENGTH) type += ' CHARACTER SET ascii COLLATE ascii_bin';
      if (CASE_INSENSITIVE.has(key)) type += ' COLLATE utf8mb4_unicode_ci';
      types.set(key, type);
    }
  return types;
}

function column(table, name, type, rest, types) {
  switch (type) {
    case 'TEXT': {
      const mapped = types.get(`${table}.${name}`);
      if (!mapped) throw new Error(`${table}.${name} has no @db type in prisma/mysql/schema.prisma`);
      // MySQL 8 takes only expression defaults on TEXT columns: DEFAULT ('x').
      const text = /TEXT\b/.test(mapped) ? rest.replace(/DEFAULT ('(?:[^']|'')*')/, 'DEFAULT ($1)') : rest;
      return `${mapped}${text}`;
    }
    case 'SERIAL':
      return `INT${rest.replace('NOT NULL', 'NOT NULL AUTO_INCREMENT')}`;
    case 'INTEGER':
      return `INT${rest}`;
    case 'TIMESTAMP(3)':
      return `DATETIME(3)${rest.replace('CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP(3)')}`;
    case 'BIGINT':
    case 'BOOLEAN':
      return `${type}${rest}`;
    default:
      throw new Error(`no MySQL type for ${table}.${name} ${type}: translate it by hand`);
  }
}

export function translate(pgSql, schema) {
  const types = stringTypes(schema);
  let table = null;
  const out = [];
  for (let line of pgSql.split('\n')) {
    const head = /^(CREATE TABLE|ALTER TABLE) "(\w+)"/.exec(line);
    if (head) table = head[2];
    const col = /^(\s+|ALTER TABLE "\w+" ADD COLUMN\s+|\s+ADD COLUMN\s+)"(\w+)" (\w+(?:\(\d+\))?)(.*)$/.exec(line);
    if (col && table) line = `${col[1]}"${col[2]}" ${column(table, col[2], col[3], col[4], types)}`;
    else if (/ALTER COLUMN|DROP DEFAULT|::|\bDO \$/.test(line)) throw new Error(`cannot translate: ${line}`);
    line = line.replace(/CONSTRAINT "\w+_pkey" PRIMARY KEY/, 'PRIMARY KEY');
    if (line === ');') line = TABLE_END;
    out.push(line.replace(/"(\w+)"/g, '`$1`'));
  }
  return out.join('\n');
}

if (isMain(import.meta.filename)) {
  const [pgFile, schemaFile = path.join(here, 'schema.prisma')] = process.argv.slice(2);
  if (!pgFile) {
    console.error('usage: node prisma/mysql/translate.mjs PG_SQL_FILE [MYSQL_SCHEMA]');
    process.exit(2);
  }
  process.stdout.write(translate(fs.readFileSync(pgFile, 'utf8'), fs.readFileSync(schemaFile, 'utf8')));
}
