// Finds code that writes the Record or Zone tables outside lib/zones, the one
// write path (validation, serial bump, Change row, NOTIFY, change feed: see
// docs/architecture.md). A dependency rule cannot see method calls, so this
// reads the syntax tree: Prisma calls such as `db().record.create(` or
// `tx.zone.updateMany(`, and SQL text such as `UPDATE "Zone"` in string and
// template literals. Comments are not code and never count.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface TableWrite {
  file: string;
  line: number;
  /** The call or the SQL, shortened to one line. */
  code: string;
}

const WRITE_METHODS = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert']);
const MODELS = new Set(['record', 'zone']);
// Table names are quoted because PostgreSQL folds unquoted names to lower case.
const SQL_WRITE = /\b(insert\s+(or\s+\w+\s+)?into|replace\s+into|update|delete\s+from)\s+\\?"(Record|Zone)\\?"/i;
const MENTIONS_TABLE = /\.\s*(record|zone)\s*\.|"(Record|Zone)\\?"/;
const SOURCE = /\.(ts|tsx|mts|mjs|js|cjs)$/;

/** Where writes are allowed: the write path itself, tests and their helpers, the migrations. */
export function mayWriteZoneTables(file: string): boolean {
  return (
    file.startsWith('lib/zones/') ||
    file.startsWith('lib/testing/') ||
    file.startsWith('lib/generated/') ||
    /^lib\/setup\/migrate[^/]*\.ts$/.test(file) ||
    /\.test\.tsx?$/.test(file)
  );
}

function listSources(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((name) => path.posix.join(dir, name.split(path.sep).join('/')))
    .filter((file) => SOURCE.test(file) && !file.includes('node_modules/'));
}

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span) => ` \${} ${span.literal.text}`).join('');
  return undefined;
}

function isTableWriteCall(node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const method = node.expression;
  return WRITE_METHODS.has(method.name.text) && ts.isPropertyAccessExpression(method.expression) && MODELS.has(method.expression.name.text);
}

/** The writes in one file's source text. */
export function tableWritesIn(file: string, text: string): TableWrite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: TableWrite[] = [];
  const add = (node: ts.Node, code: string) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ file, line, code: code.replace(/\s+/g, ' ').trim().slice(0, 120) });
  };
  const visit = (node: ts.Node): void => {
    if (isTableWriteCall(node)) add(node, `${(node as ts.CallExpression).expression.getText(source)}(…)`);
    const sql = literalText(node);
    const match = sql === undefined ? null : SQL_WRITE.exec(sql);
    if (match) add(node, sql!.slice(match.index));
    // A template's parts are read whole above; its spans may still hold calls.
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every write to Record or Zone outside the places allowed to make one, under `dirs` of `root`. */
export function findTableWrites(root: string, dirs: string[]): TableWrite[] {
  return dirs
    .flatMap((dir) => listSources(root, dir))
    .filter((file) => !mayWriteZoneTables(file))
    .flatMap((file) => {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      // Parsing is the slow part; most files name neither table.
      return MENTIONS_TABLE.test(text) ? tableWritesIn(file, text) : [];
    });
}

export function describeTableWrite(w: TableWrite): string {
  return `${w.file}:${w.line}: ${w.code}`;
}
