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

/** postgresql:// or postgres:// (libpq's two spellings). */
export function isPostgres(url = databaseUrl()): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** mysql:// or mariadb:// (MySQL 8 or MariaDB 10.11; one driver speaks to both). */
export function isMysql(url = databaseUrl()): boolean {
  return /^(mysql|mariadb):\/\//.test(url);
}

export type DatabaseProvider = 'sqlite' | 'postgresql' | 'mysql';

/** Which database DATABASE_URL names; anything else is a configuration error. */
export function databaseProvider(url = databaseUrl()): DatabaseProvider {
  if (isSqlite(url)) return 'sqlite';
  if (isPostgres(url)) return 'postgresql';
  if (isMysql(url)) return 'mysql';
  throw new Error(`DATABASE_URL must be a SQLite file: URL, a postgresql:// URL or a mysql:// (mariadb://) URL (got ${url.split(':')[0]}:…)`);
}

/** The URL without its password, for logs and start-up messages. */
export function redactedUrl(url = databaseUrl()): string {
  return url.replace(/^((?:postgres(?:ql)?|mysql|mariadb):\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/** What the `mariadb` driver needs to connect to a mysql:// or mariadb:// URL. */
export interface MysqlConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** Milliseconds to open a connection (the driver's default, 1 s, fails a pool that opens one while the process parses a big zone file). */
  connectTimeout: number;
}

export function mysqlConnection(url = databaseUrl()): MysqlConnection {
  if (!isMysql(url)) throw new Error(`DATABASE_URL ${redactedUrl(url)} is not a mysql:// or mariadb:// URL`);
  const u = new URL(url.replace(/^mysql:/, 'mariadb:'));
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`DATABASE_URL ${redactedUrl(url)} names no database (mysql://user:password@host:port/DATABASE)`);
  return {
    host: u.hostname || 'localhost',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
    connectTimeout: 10_000,
  };
}

/** Absolute file path of the SQLite database; creates its folder. */
export function sqliteFile(url = databaseUrl()): string {
  if (!isSqlite(url)) throw new Error(`DATABASE_URL ${url} is not a SQLite file: URL`);
  const file = path.resolve(url.slice('file:'.length));
  // Private: the database holds password hashes and TSIG secrets (lib/setup/private-files.ts).
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return file;
}

export function sqliteUrl(url = databaseUrl()): string {
  return `file:${sqliteFile(url)}`;
}

/**
 * The database itself, however DATABASE_URL spells it from wherever the
 * process started, and with no secret in it: a SQLite file by its real path
 * (a relative URL resolves from the current directory, a link to the file it
 * names), a PostgreSQL or MySQL database by its URL without the password. Two
 * processes with the same identity use the same data; two spellings of one
 * PostgreSQL server differ, which errs on the safe side. The CLI sends it to
 * whatever listens on the control port, so it must not hold the password.
 */
export function databaseIdentity(url = databaseUrl()): string {
  if (isSqlite(url)) {
    const file = path.resolve(url.slice('file:'.length));
    try {
      return `file:${fs.realpathSync(file)}`;
    } catch {
      // Not created yet: no worker serves it.
      return `file:${file}`;
    }
  }
  try {
    const u = new URL(url);
    u.password = '';
    // libpq also takes it as a parameter (password, sslpassword).
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.delete(key);
    return u.href;
  } catch {
    return redactedUrl(url);
  }
}
