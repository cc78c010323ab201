// Decides whether the web app needs a (re)build: a hash of everything the
// Next.js build reads, compared with the hash stored beside the last build.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const INPUTS = ['app', 'components', 'lib', 'public', 'next.config.ts', 'postcss.config.mjs', 'package-lock.json', 'tsconfig.json'];
const SKIP = new Set(['node_modules', '.next', 'generated']);
const STAMP = path.join(ROOT, '.next', 'zonekeeper-build-stamp');

function walk(p: string, hash: crypto.Hash): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p).sort()) if (!SKIP.has(e) && !e.endsWith('.test.ts')) walk(path.join(p, e), hash);
  } else {
    hash.update(path.relative(ROOT, p)).update('\0').update(fs.readFileSync(p)).update('\0');
  }
}

export function sourceHash(): string {
  const h = crypto.createHash('sha256');
  for (const i of INPUTS) walk(path.join(ROOT, i), h);
  return h.digest('hex');
}

export function buildIsCurrent(hash = sourceHash()): boolean {
  try {
    return fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && fs.readFileSync(STAMP, 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

export function writeStamp(hash: string): void {
  fs.writeFileSync(STAMP, hash + '\n');
}
