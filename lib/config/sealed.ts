// Sealing: secrets the database must hold but must not give away (DNSSEC
// private keys) are stored encrypted with AES-256-GCM under a key derived from
// ZK_DATA_DIR/dnssec-secret. A copy of the database alone then signs nothing,
// and a sealed value moved to another row (the `context`, e.g. zone and key
// tag, is authenticated with it) does not open.
import crypto from 'node:crypto';
import path from 'node:path';
import { dataDir } from './env';
import { readOrCreateSecret, readSecret } from './secrets';

const VERSION = 'v1';
const SECRET = 'dnssec-secret';

/** Why a sealed value could not be opened, in words that say what to do. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

function keyFrom(secret: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), Buffer.alloc(0), 'zonekeeper seal v1', 32));
}

function secretFile(): string {
  return path.join(dataDir(), SECRET);
}

/**
 * Seals `plain` for `context`. `mayCreate` lets the first sealing create the
 * secret; a caller that already holds sealed values passes false, so a
 * missing file is an error rather than a new secret that would orphan them.
 */
export function seal(plain: string, context: string, mayCreate: boolean): string {
  const secret = mayCreate ? readOrCreateSecret(SECRET) : readSecret(SECRET);
  if (secret === null) throw missingSecret();
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Opens what `seal` made for the same `context`; throws SealError otherwise. */
export function unseal(sealed: string, context: string): string {
  const secret = readSecret(SECRET);
  if (secret === null) throw missingSecret();
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError(`a sealed value for ${context} is not in the ${VERSION} format; the database row is damaged.`);
  const [, iv, body, tag] = parts;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealError(
      `${secretFile()} does not open the sealed key of ${context}: this machine's ZK_DATA_DIR holds another secret than the one that sealed it. ` +
        'Copy dnssec-secret from the machine that signed the zone (every process that commits to signed zones needs the same file).',
    );
  }
}

function missingSecret(): SealError {
  return new SealError(
    `${secretFile()} is missing, and signed zones' keys are sealed with it. ` +
      'Copy dnssec-secret from the machine that signed the zones into ZK_DATA_DIR (owner-only, mode 0600) and try again.',
  );
}
