// A signed zone's keys as stored (DnssecKey rows): made, sealed and read back
// for the signer inside the change's transaction. The private half leaves the
// database only unsealed in memory for the signing at hand, and never reaches
// a page, a log or the CLI's output.
import { SealError, seal, unseal } from '../config/sealed';
import { AppError } from '../errors';
import { dsContent, firstSigningKeys } from '../dns/dnssec/keys';
import type { Denial, DnssecAlgorithmName, ZoneKey } from '../dns/dnssec/types';
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/**
 * Where a key stands, for people (the signer reads published/active/atParent):
 * - `active`: published and signing (a KSK also announced to the parent as CDS/CDNSKEY);
 * - `pre-published`: a new ZSK in the DNSKEY set, not signing yet, so caches learn it first;
 * - `retiring`: no longer signing, kept published until the signatures it made have expired from caches;
 * - `waiting-ds`: a new KSK, signing the DNSKEY set beside the old one, until the parent holds its DS.
 */
export type KeyState = 'active' | 'pre-published' | 'retiring' | 'waiting-ds';

/** A key as the zone page and `zone status` show it: public data only. */
export interface PublicKey {
  id: number;
  role: 'ksk' | 'zsk';
  algorithm: number;
  keyTag: number;
  state: KeyState;
  dnskey: string;
  /** The DS record (SHA-256, RFC 4509) for the parent; KSKs only. */
  ds: string | null;
  /** Announced to the parent as CDS/CDNSKEY. */
  atParent: boolean;
  published: boolean;
  active: boolean;
  stateSince: Date;
}

/** What a private key is sealed to: its zone and its public half, so a sealed key copied to another row does not open. */
function sealedContext(zone: string, dnskey: string): string {
  return `${zone} ${dnskey}`;
}

/** A key this machine cannot seal or open stops the change with what to do, as any refused change does. */
function sealed<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof SealError) throw new AppError('conflict', `Nothing was saved: ${err.message}`);
    throw err;
  }
}

function unsealed(text: string, context: string): string {
  return sealed(() => unseal(text, context));
}

/** Makes a KSK and a ZSK for `zone`, both published and signing, and stores them sealed. */
export async function createZoneKeys(tx: Tx, zone: { id: number; name: string }, algorithm: DnssecAlgorithmName): Promise<ZoneKey[]> {
  const keys = firstSigningKeys(algorithm);
  for (const k of keys) await storeZoneKey(tx, zone, k, 'active');
  return keys;
}

/** Stores `key` of `zone` in `state` (entered at `since`), its private half sealed. */
export async function storeZoneKey(tx: Tx, zone: { id: number; name: string }, key: ZoneKey, state: KeyState, since = new Date()): Promise<ZoneKey> {
  // The first key of this database may create the sealing secret; later ones must find the one that sealed the others.
  const firstEver = (await tx.dnssecKey.count()) === 0;
  await tx.dnssecKey.create({
    data: {
      zoneId: zone.id,
      role: key.role,
      algorithm: key.algorithm,
      keyTag: key.keyTag,
      dnskey: key.dnskey,
      privateKey: sealed(() => seal(key.privateKeyPem, sealedContext(zone.name, key.dnskey), firstEver)),
      state,
      stateSince: since,
      published: key.published,
      active: key.active,
      atParent: key.atParent,
    },
  });
  return key;
}

/** The zone's keys, unsealed, as the signer takes them. */
export async function readZoneKeys(tx: Pick<Tx, 'dnssecKey'>, zone: { id: number; name: string }): Promise<ZoneKey[]> {
  const rows = await tx.dnssecKey.findMany({ where: { zoneId: zone.id }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    role: r.role as ZoneKey['role'],
    dnskey: r.dnskey,
    keyTag: r.keyTag,
    algorithm: r.algorithm as ZoneKey['algorithm'],
    privateKeyPem: unsealed(r.privateKey, sealedContext(zone.name, r.dnskey)),
    published: r.published,
    active: r.active,
    atParent: r.atParent,
  }));
}

/** The zone's keys without their private halves, newest last. */
export async function listPublicKeys(tx: Pick<Tx, 'dnssecKey'>, zone: { id: number; name: string }): Promise<PublicKey[]> {
  const rows = await tx.dnssecKey.findMany({ where: { zoneId: zone.id }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    id: r.id,
    role: r.role as PublicKey['role'],
    algorithm: r.algorithm,
    keyTag: r.keyTag,
    state: r.state as KeyState,
    dnskey: r.dnskey,
    ds: r.role === 'ksk' ? dsContent(zone.name, r.dnskey) : null,
    atParent: r.atParent,
    published: r.published,
    active: r.active,
    stateSince: r.stateSince,
  }));
}

export interface SigningStatus {
  /** null: not signed. */
  denial: Denial | null;
  resignAt: Date | null;
  keys: PublicKey[];
  /** The parent is being asked to remove the DS (the first step of unsigning). */
  removingDs: boolean;
}

/** What the zone page and `zone status` show of DNSSEC; public data only. */
export async function getSigningStatus(zoneId: number): Promise<SigningStatus> {
  const row = await db().zone.findUnique({ where: { id: zoneId }, select: { name: true, dnssec: true, resignAt: true } });
  if (!row) return { denial: null, resignAt: null, keys: [], removingDs: false };
  const keys = await listPublicKeys(db(), { id: zoneId, name: row.name });
  const denial = row.dnssec as Denial | null;
  return { denial, resignAt: row.resignAt, keys, removingDs: denial !== null && !keys.some((k) => k.role === 'ksk' && k.atParent) };
}

