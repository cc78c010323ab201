// The API key store (issue 17): admins create keys in Settings
// (app/(app)/settings/api-keys) or with `zonekeeper apikey`, and the HTTP API
// (lib/api/) asks authenticateApiKey who is calling. A key's secret is shown
// once and only its SHA-256 is stored (like session tokens,
// lib/auth/session-store.ts); deleting the row revokes it at once, since every
// request looks the key up afresh. What a key may do is an ApiKeyScope
// (lib/auth/api-key-scope.ts), kept as JSON lists (lib/zones/json-lists.ts).
// No next/* imports: the CLI uses it too.
import { bearerSecretHash, newBearerSecret } from './bearer-secret';
import { db } from '../db';
import { isUniqueViolation } from '../db-errors';
import { absoluteName, DnsNameError } from '../dns/names';
import { isRecordType } from '../dns/rdata';
import { AppError } from '../errors';
import { readList, writeList } from '../zones/json-lists';
import { canonicalNamePattern, type ApiKeyPrincipal, type ApiKeyScope } from './api-key-scope';
import { loginThrottle, type LoginThrottle } from './rate-limit';

/** Every secret starts with this, so a leaked one is recognisable (and secret scanners can match it). */
export const API_KEY_PREFIX = 'zk_';
/** Longest header value we hash; anything longer is not ours. */
const MAX_SECRET_LENGTH = 128;
/** lastUsedAt is written at most this often per key, not on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/** The name failed key checks are counted under in the shared credential throttle (lib/auth/rate-limit.ts). */
const THROTTLE_NAME = 'api key';
const NAME_RE = /^[a-z0-9._-]{1,64}$/;

export interface ApiKeyInput {
  name: string;
  /** Zone names as typed; null or empty for every zone. */
  zones?: readonly string[] | null;
  /** Owner-name patterns as typed (`_acme-challenge.*`); empty for any name. */
  names?: readonly string[];
  /** Record types; empty for any. */
  types?: readonly string[];
  readOnly?: boolean;
}

export interface ApiKeySummary {
  id: number;
  name: string;
  scope: ApiKeyScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  createdBy: string;
}

export type ApiKeyCheck =
  | { ok: true; key: ApiKeyPrincipal }
  | { ok: false; status: 401 | 429; error: string; retryAfterSeconds?: number };

/**
 * PowerDNS 4.7's words for a missing or wrong key (its webserver throws
 * HttpUnauthorizedException, answered as `{"error": "Unauthorized"}` to JSON
 * clients), so clients that match on them keep working.
 */
export const UNAUTHORIZED = 'Unauthorized';

type ApiKeyRow = { id: number; name: string; zones: string | null; names: string; types: string; readOnly: boolean };

function scopeOf(row: ApiKeyRow): ApiKeyScope {
  return { zones: row.zones === null ? null : readList(row.zones), names: readList(row.names), types: readList(row.types), readOnly: row.readOnly };
}

function normalizeKeyName(name: string): string {
  return name.trim().toLowerCase();
}

/** The scope a create request asks for, checked; throws AppError('invalid') naming each bad field. */
async function checkedScope(input: ApiKeyInput): Promise<ApiKeyScope> {
  const fieldErrors: Record<string, string[]> = {};
  const bad = (field: string, message: string) => (fieldErrors[field] ??= []).push(message);

  const zones: string[] = [];
  for (const z of input.zones ?? []) {
    try {
      const name = absoluteName(z.trim());
      if (!zones.includes(name)) zones.push(name);
    } catch (err) {
      bad('zones', (err as Error).message);
    }
  }
  if (zones.length) {
    const found = new Set((await db().zone.findMany({ where: { name: { in: zones } }, select: { name: true } })).map((z) => z.name));
    for (const z of zones) if (!found.has(z)) bad('zones', `there is no zone ${z}`);
  }

  const names: string[] = [];
  for (const p of input.names ?? []) {
    try {
      const pattern = canonicalNamePattern(p);
      if (!names.includes(pattern)) names.push(pattern);
    } catch (err) {
      bad('names', err instanceof DnsNameError ? err.message : `"${p}" is not a name pattern`);
    }
  }

  const types: string[] = [];
  for (const t of input.types ?? []) {
    const type = t.trim().toUpperCase();
    if (!isRecordType(type)) bad('types', `${t.trim() || '(empty)'} is not a record type Zonekeeper serves`);
    else if (!types.includes(type)) types.push(type);
  }

  if (Object.keys(fieldErrors).length) {
    throw new AppError('invalid', Object.values(fieldErrors).flat().join('; '), fieldErrors);
  }
  return { zones: zones.length ? zones : null, names, types, readOnly: input.readOnly ?? false };
}

/**
 * Creates a key and returns its secret, which is never stored and cannot be
 * shown again. `createdBy` is the admin's user name, or "cli".
 */
export async function createApiKey(input: ApiKeyInput, createdBy: string): Promise<{ key: ApiKeySummary; secret: string }> {
  const name = normalizeKeyName(input.name);
  if (!NAME_RE.test(name)) {
    throw new AppError('invalid', `"${input.name}" is not a key name: use 1 to 64 letters, digits, dots, underscores and hyphens`, {
      name: ['1 to 64 letters, digits, . _ -'],
    });
  }
  const scope = await checkedScope(input);
  const secret = newBearerSecret(API_KEY_PREFIX);
  try {
    const row = await db().apiKey.create({
      data: {
        name,
        secretHash: bearerSecretHash(secret),
        zones: scope.zones === null ? null : writeList(scope.zones),
        names: writeList(scope.names),
        types: writeList(scope.types),
        readOnly: scope.readOnly,
        createdBy,
      },
    });
    return { key: { id: row.id, name, scope, createdAt: row.createdAt, lastUsedAt: null, createdBy }, secret };
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('exists', `an API key named ${name} already exists`, { name: ['already exists'] });
    throw err;
  }
}

export async function listApiKeys(): Promise<ApiKeySummary[]> {
  const rows = await db().apiKey.findMany({ orderBy: { name: 'asc' } });
  return rows.map((r) => ({ id: r.id, name: r.name, scope: scopeOf(r), createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, createdBy: r.createdBy }));
}

/** Revokes a key: its next request is refused (nothing caches keys). */
export async function deleteApiKey(nameInput: string): Promise<void> {
  const name = normalizeKeyName(nameInput);
  const { count } = await db().apiKey.deleteMany({ where: { name } });
  if (count === 0) throw new AppError('not-found', `there is no API key named ${name}`);
}

/** The secret a request presents: `X-API-Key` (what PowerDNS clients send), else `Authorization: Bearer`. */
export function presentedSecret(headers: Headers): string | null {
  const header = headers.get('x-api-key')?.trim();
  if (header) return header;
  const auth = headers.get('authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1]! : null;
}

/**
 * Who is calling the API. A wrong key counts against the client's address in
 * the web process's credential throttle (shared with sign-ins and the metrics
 * token), and once it is exhausted every key check from that address is
 * refused with 429 before any lookup. A missing key is refused without
 * counting: it guesses nothing.
 *
 * The lookup is by the secret's SHA-256 on a unique index: what a timing
 * difference could reveal is a prefix of a hash, which says nothing about a
 * secret, so no constant-time comparison is needed beyond that.
 */
export async function authenticateApiKey(headers: Headers, clientAddress: string, throttle: LoginThrottle = loginThrottle()): Promise<ApiKeyCheck> {
  const secret = presentedSecret(headers);
  if (!secret) return { ok: false, status: 401, error: UNAUTHORIZED };
  const gate = throttle.check(clientAddress, THROTTLE_NAME);
  if (!gate.allowed) {
    const s = gate.retryAfterSeconds;
    return { ok: false, status: 429, error: `Too many wrong API keys from your address; wait ${s} second${s === 1 ? '' : 's'} and try again`, retryAfterSeconds: s };
  }
  const row =
    secret.length <= MAX_SECRET_LENGTH && secret.startsWith(API_KEY_PREFIX)
      ? await db().apiKey.findUnique({ where: { secretHash: bearerSecretHash(secret) } })
      : null;
  if (!row) {
    throttle.failed(clientAddress, THROTTLE_NAME);
    return { ok: false, status: 401, error: UNAUTHORIZED };
  }
  await noteUse(row.id, row.lastUsedAt);
  return { ok: true, key: { id: row.id, name: row.name, scope: scopeOf(row) } };
}

/** Sets lastUsedAt when it is older than LAST_USED_RESOLUTION_MS: one write a minute per key at most, not one per request. */
async function noteUse(id: number, lastUsedAt: Date | null, now = new Date()): Promise<void> {
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (lastUsedAt && lastUsedAt > stale) return;
  try {
    // The condition again in the WHERE, so concurrent requests of one key write once.
    await db().apiKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] }, data: { lastUsedAt: now } });
  } catch {
    // The key is valid either way; a busy database must not refuse the request over the last-use display.
  }
}
