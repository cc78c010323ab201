// What prisma/postgres/make-schema.mjs and prisma/mysql/make-schema.mjs share:
// both write a copy of prisma/schema.prisma for one more provider, the models
// unchanged (Prisma takes one provider per schema file).
import fs from 'node:fs';
import path from 'node:path';

/** `source` with each [pattern, replacement] applied; a pattern that no longer matches is an error naming `script`. */
export function swapLines(source, swaps, script) {
  let out = source;
  for (const [from, to] of swaps) {
    if (!from.test(out)) throw new Error(`prisma/schema.prisma no longer matches ${from}: update ${script}`);
    out = out.replace(from, to);
  }
  return out;
}

/**
 * Run as a script: writes `target` when it differs from `want`; with --check,
 * exits 1 instead when the committed copy is stale.
 */
export function writeOrCheck(target, want) {
  const name = path.relative(path.join(import.meta.dirname, '..'), target);
  const have = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (want !== have) {
      console.error(`${name} is stale: run \`npm run db:generate\``);
      process.exit(1);
    }
  } else if (want !== have) {
    fs.writeFileSync(target, want);
    console.log(`wrote ${name}`);
  }
}

/** Whether the module whose import.meta.filename is `filename` runs as the script. */
export function isMain(filename) {
  return Boolean(process.argv[1]) && path.resolve(process.argv[1]) === path.resolve(filename);
}
