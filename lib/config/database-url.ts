// The one place that reads DATABASE_URL. Relative SQLite paths are taken
// from the current directory, the way `npm start` runs from the checkout.
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_DATABASE_URL = 'file:./data/zonekeeper.db';

export function databaseUrl(): string {
  return process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
}

export function isSqlite(url = databaseUrl()): boolean {
  return url.startsWith('file:');
}

/** Absolute file path of the SQLite database; creates its folder. */
export function sqliteFile(url = databaseUrl()): string {
  if (!isSqlite(url)) throw new Error(`DATABASE_URL ${url} is not a SQLite file: URL`);
  const file = path.resolve(url.slice('file:'.length));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

export function sqliteUrl(url = databaseUrl()): string {
  return `file:${sqliteFile(url)}`;
}
