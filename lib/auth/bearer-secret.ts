// Secrets a client presents and we keep only as a hash: the session cookie's
// token (session-store.ts) and an API key (api-keys.ts). Each is 32 random
// bytes in base64url; the database holds the hex SHA-256, so a copy of it
// holds nothing a client could present.
import crypto from 'node:crypto';

const SECRET_BYTES = 32;

/** A new secret: `prefix` (e.g. `zk_`) and 32 random bytes in base64url. */
export function newBearerSecret(prefix = ''): string {
  return prefix + crypto.randomBytes(SECRET_BYTES).toString('base64url');
}

/** What is stored of a secret: its SHA-256 in hex. */
export function bearerSecretHash(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}
