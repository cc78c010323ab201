#!/usr/bin/env node
// Writes prisma/mysql/schema.prisma from prisma/schema.prisma, the MySQL and
// MariaDB twin of prisma/postgres/make-schema.mjs. The models stay written
// once; besides provider and output, every String gets a native type, because
// Prisma's MySQL default (VARCHAR(191)) is too short for most of ours and
// strict mode refuses longer values instead of cutting them:
//  - a String in @id, @unique or an @@index/@@unique/@@id list must say its
//    VARCHAR length in INDEXED (InnoDB cannot index TEXT, and a key holds at
//    most 3072 bytes); the script fails for one that does not;
//  - the JSON journal and record contents, which outgrow TEXT's 64 KiB, get
//    LONGTEXT; every other String is TEXT.
// DNS names get VARCHAR(1024): prisma/mysql/translate.mjs stores them in
// ascii with ascii_bin collation, so the index fits and sorts by byte as on
// the other two databases. `--check` exits 1 when the committed copy is stale.
import fs from 'node:fs';
import path from 'node:path';
import { isMain, swapLines, writeOrCheck } from '../schema-copy.mjs';

const here = import.meta.dirname;
const SOURCE = path.join(here, '..', 'schema.prisma');
const TARGET = path.join(here, 'schema.prisma');

/** Names are LDH ASCII of at most 255 wire octets; 1024 leaves room for \ddd escapes from transfers. */
const DNS_NAME = '@db.VarChar(1024)';

export const INDEXED = {
  'User.name': '@db.VarChar(191)',
  'Session.id': '@db.VarChar(64)',
  'Setting.key': '@db.VarChar(191)',
  'Zone.name': DNS_NAME,
  'CatalogMove.zone': DNS_NAME,
  'Record.name': DNS_NAME,
  'Record.type': '@db.VarChar(16)',
  'Record.target': DNS_NAME,
  'NotifyJob.state': '@db.VarChar(16)',
  'NotifyJob.target': '@db.VarChar(64)',
  'WebhookDelivery.status': '@db.VarChar(16)',
  'ReplicaStatus.target': '@db.VarChar(64)',
  'DnssecKey.state': '@db.VarChar(32)',
  'ApiKey.name': '@db.VarChar(191)',
  'ApiKey.secretHash': '@db.VarChar(64)',
  'Autoprimary.ip': '@db.VarChar(64)',
  'Autoprimary.nameserver': DNS_NAME,
  'ChangeRequest.state': '@db.VarChar(16)',
  'DeletedZone.name': DNS_NAME,
  'TsigKey.name': DNS_NAME,
};

export const LONG = new Set([
  'Change.removed', 'Change.added', 'ChangePart.removed', 'ChangePart.added',
  'DeletedChange.removed', 'DeletedChange.added', 'DeletedChangePart.removed', 'DeletedChangePart.added',
  'ChangeRequest.edits', 'DeletedZone.settings', 'Record.content', 'DeletedRecord.content',
]);

function indexedFields(src) {
  const out = new Set();
  for (const model of src.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm))
    for (const list of model[2].matchAll(/@@(?:index|unique|id)\(\s*(?:fields:\s*)?\[([^\]]*)\]/g))
      for (const field of list[1].split(',')) out.add(`${model[1]}.${field.trim().replace(/\(.*$/, '')}`);
  return out;
}

export function mysqlSchema(sqliteSchema) {
  const swaps = [
    [/^(\s*provider\s*=\s*)"sqlite"/m, '$1"mysql"'],
    [/^(\s*url\s*=\s*)"file:[^"]*"/m, '$1"mysql://localhost/zonekeeper"'],
    [/^(\s*output\s*=\s*)"\.\.\/lib\/generated\/prisma"/m, '$1"../../lib/generated/prisma-mysql"'],
  ];
  let out = swapLines(sqliteSchema, swaps, 'prisma/mysql/make-schema.mjs');
  const indexed = indexedFields(sqliteSchema);
  const typed = new Set();
  let model = null;
  out = out
    .split('\n')
    .map((line) => {
      const start = /^model (\w+) \{/.exec(line);
      if (start) model = start[1];
      if (/^\}/.test(line)) model = null;
      const field = model && /^(\s+\w+\s+String\??)(\s*)(.*)$/.exec(line);
      if (!field) return line;
      const key = `${model}.${line.trim().split(/\s+/)[0]}`;
      const at = field[3].indexOf('//');
      const [attrs, comment] = at < 0 ? [field[3], ''] : [field[3].slice(0, at), field[3].slice(at)];
      if (!INDEXED[key] && (/@id\b|@unique\b/.test(attrs) || indexed.has(key)))
        throw new Error(`${key} is indexed: give it a VARCHAR length in INDEXED of prisma/mysql/make-schema.mjs`);
      typed.add(key);
      const type = INDEXED[key] ?? (LONG.has(key) ? '@db.LongText' : '@db.Text');
      return `${field[1]} ${[attrs.trim(), type].filter(Boolean).join(' ')}${comment ? ` ${comment}` : ''}`;
    })
    .join('\n');
  for (const key of [...Object.keys(INDEXED), ...LONG]) if (!typed.has(key)) throw new Error(`prisma/mysql/make-schema.mjs names ${key}, which is no String field`);
  return (
    '// GENERATED from prisma/schema.prisma by prisma/mysql/make-schema.mjs: edit that\n' +
    '// file, then run `npm run db:generate`. Provider, output and @db types differ.\n' +
    out
  );
}

if (isMain(import.meta.filename)) writeOrCheck(TARGET, mysqlSchema(fs.readFileSync(SOURCE, 'utf8')));
