// TSIG keys: created from the CLI (and later the web app), attached to zones
// with `zone set --tsig`. Secrets are stored base64-encoded, the form BIND's
// key files and `dig -y` use.
import { isUniqueViolation } from '../db-errors';
import { db, writeTransaction } from '../db';
import { canonicalKeyName, generateSecret, parseAlgorithm, secretFromBase64, secretToBase64, TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKey } from '../dns/tsig';
import { AppError } from '../errors';
import { nudgeWorker } from './nudge';
import { zonesWithRulesFor } from './update-policy';
import { markChanged } from './zone-changes';

export interface TsigKeyInfo {
  name: string;
  algorithm: TsigAlgorithm;
  secret: string;
  zones: string[];
}

/** Creates a key; generates the secret when none is given. Returns it so it can be shown once. */
export async function createTsigKey(nameInput: string, algorithmInput: string, secretInput?: string): Promise<TsigKeyInfo> {
  let name: string;
  try {
    name = canonicalKeyName(nameInput);
  } catch (err) {
    throw new AppError('invalid', `"${nameInput}" is not a valid key name: ${(err as Error).message}`, { name: [(err as Error).message] });
  }
  const algorithm = parseAlgorithm(algorithmInput);
  if (!algorithm) {
    const known = TSIG_ALGORITHMS.join(', ');
    throw new AppError('invalid', `unknown TSIG algorithm "${algorithmInput}": use one of ${known}`, { algorithm: [known] });
  }
  let secret: string;
  if (secretInput) {
    try {
      const bytes = secretFromBase64(secretInput);
      if (bytes.length < 16) throw new Error('shorter than 16 bytes');
      secret = secretToBase64(bytes);
    } catch (err) {
      throw new AppError('invalid', `the secret must be base64 of at least 16 bytes (${(err as Error).message})`, { secret: ['base64, at least 16 bytes'] });
    }
  } else {
    secret = secretToBase64(generateSecret(algorithm));
  }
  try {
    await writeTransaction(async (tx) => {
      await tx.tsigKey.create({ data: { name, algorithm, secret } });
      await markChanged(tx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('exists', `a TSIG key named ${name} already exists`, { name: ['already exists'] });
    }
    throw err;
  }
  // A worker serves with the new key at once (a zone's transfers may name it next).
  await nudgeWorker('');
  return { name, algorithm, secret, zones: [] };
}

/** The key as the signer and verifier take it (lib/dns/tsig.ts): the secret decoded. */
export function signingKey(info: Pick<TsigKeyInfo, 'name' | 'algorithm' | 'secret'>): TsigKey {
  return { name: info.name, algorithm: info.algorithm, secret: secretFromBase64(info.secret) };
}

export async function listTsigKeys(): Promise<TsigKeyInfo[]> {
  const rows = await db().tsigKey.findMany({ orderBy: { name: 'asc' }, include: { zones: { select: { name: true } } } });
  return rows.map((k) => ({ name: k.name, algorithm: parseAlgorithm(k.algorithm) ?? 'hmac-sha256', secret: k.secret, zones: k.zones.map((z) => z.name) }));
}

export async function deleteTsigKey(nameInput: string): Promise<void> {
  const name = canonicalKeyName(nameInput);
  const key = await db().tsigKey.findUnique({ where: { name }, include: { zones: { select: { name: true } } } });
  if (!key) throw new AppError('not-found', `there is no TSIG key ${name}`);
  if (key.zones.length) {
    throw new AppError('conflict', `TSIG key ${name} is in use by ${key.zones.map((z) => z.name).join(', ')}; detach it first with: zonekeeper zone set ZONE --tsig none`);
  }
  const policies = await zonesWithRulesFor(name);
  if (policies.length) {
    throw new AppError('conflict', `TSIG key ${name} is named in the update policy of ${policies.join(', ')}; take its rules out first with: zonekeeper zone set ZONE --update-policy …`);
  }
  await writeTransaction(async (tx) => {
    await tx.tsigKey.delete({ where: { name } });
    await markChanged(tx);
  });
  // Transfers and NOTIFYs signed with it stop at once, not at the next poll.
  await nudgeWorker('');
}

/** The key id for `zone set --tsig NAME` (`none` detaches). */
export async function tsigKeyIdFor(nameInput: string): Promise<number | null> {
  if (nameInput.trim().toLowerCase() === 'none') return null;
  const name = canonicalKeyName(nameInput);
  const key = await db().tsigKey.findUnique({ where: { name } });
  if (!key) throw new AppError('not-found', `there is no TSIG key ${name}; create it with: zonekeeper tsig add ${name} hmac-sha256`, { tsig: ['unknown key'] });
  return key.id;
}
