// Turning DNSSEC on and off for a primary zone (issue 19), each as one
// change through commitRecords with the signer as a plan: the keys, the
// zone's signing state and every signature land in one version.
//
// Going back to insecure must follow the parent, or validators reject the
// zone (RFC 6781 §4.2.5): first the parent drops the DS (announced here by
// the CDS/CDNSKEY delete records of RFC 8078 §4), and only once the DS's TTL
// has passed may the signatures go. `disableSigning` is therefore two steps.
import { db } from '../db';
import { DNSSEC_ALGORITHMS, type Denial, type DnssecAlgorithmName } from '../dns/dnssec/types';
import { AppError } from '../errors';
import type { Actor } from './actor';
import { commitRecords, type CommitResult } from './changes';
import { checkZoneConfigure } from './creation-rules';
import { createZoneKeys } from './dnssec-keys';
import { recordDnssecEvent, SIGNER } from './key-rollover';
import { readApexNotifyRecords } from './neighbourhood';
import { toZoneName } from './zone-lifecycle';

export interface SignOptions {
  algorithm?: string;
  denial?: Denial;
}


function algorithmOf(input: string | undefined): DnssecAlgorithmName {
  const name = (input ?? 'ecdsap256sha256').toLowerCase();
  if (!(name in DNSSEC_ALGORITHMS)) {
    throw new AppError('invalid', `unknown DNSSEC algorithm "${input}"; choose ecdsap256sha256 (the default, RFC 8624's recommendation) or ed25519`, {
      algorithm: ['choose ecdsap256sha256 or ed25519'],
    });
  }
  return name as DnssecAlgorithmName;
}

/**
 * Signs `zone`: a new KSK and ZSK, the DNSKEY, CDS and CDNSKEY sets, the
 * NSEC3 (default) or NSEC chain and every signature, as one change. On a zone
 * signed already, changes only how denial is proven (`denial`), with the same keys.
 */
export async function enableSigning(zoneInput: string, opts: SignOptions, actor: Actor): Promise<CommitResult> {
  const zoneName = toZoneName(zoneInput);
  await checkZoneConfigure(db(), actor);
  const denial = opts.denial ?? 'nsec3';
  const algorithm = algorithmOf(opts.algorithm);
  let keyTags = '';
  const r = await commitRecords(zoneName, actor, `DNSSEC: signed with ${denial.toUpperCase()}`, undefined, async (tx, zone) => {
    if (zone.dnssec !== null) {
      if (zone.dnssec === denial) {
        throw new AppError('conflict', `${zoneName} is signed already (${zone.dnssec.toUpperCase()}); its DS records are in \`zonekeeper zone status ${zoneName}\`.`);
      }
      if (opts.algorithm !== undefined) {
        throw new AppError('invalid', `${zoneName} is signed already; changing its algorithm is a key rollover, not a new signing.`);
      }
    } else {
      keyTags = (await createZoneKeys(tx, zone, algorithm)).map((k) => `${k.role.toUpperCase()} ${k.keyTag}`).join(', ');
    }
    return { errors: [], removedRows: [], added: [], notifyRecords: await readApexNotifyRecords(tx, zone), forceVersion: true, signing: { mode: 'all', dnssec: denial } };
  });
  await recordDnssecEvent(r.zone, r.newSerial, keyTags ? `signed with ${denial.toUpperCase()}: ${keyTags}` : `denial of existence now ${denial.toUpperCase()}`);
  return r;
}

export interface UnsignResult {
  /** 'announced': the CDS/CDNSKEY delete records are published and the zone stays signed; 'unsigned': done. */
  step: 'announced' | 'unsigned';
  commit: CommitResult;
}

/**
 * Takes `zone` back to insecure. Without `parentHasNoDs`, announces the wish
 * to the parent (RFC 8078 CDS/CDNSKEY delete records, keys no longer at the
 * parent) and keeps signing; with it, removes every key, signature and chain
 * record.
 */
export async function disableSigning(zoneInput: string, actor: Actor, parentHasNoDs: boolean): Promise<UnsignResult> {
  const zoneName = toZoneName(zoneInput);
  await checkZoneConfigure(db(), actor);
  let step: UnsignResult['step'] = 'unsigned';
  const commit = await commitRecords(zoneName, actor, parentHasNoDs ? 'DNSSEC: unsigned' : 'DNSSEC: asked the parent to remove the DS', undefined, async (tx, zone) => {
    if (zone.dnssec === null) throw new AppError('conflict', `${zoneName} is not signed.`);
    const notifyRecords = await readApexNotifyRecords(tx, zone);
    if (!parentHasNoDs) {
      step = 'announced';
      await tx.dnssecKey.updateMany({ where: { zoneId: zone.id, role: 'ksk' }, data: { atParent: false } });
      return { errors: [], removedRows: [], added: [], notifyRecords, forceVersion: true, signing: { mode: 'changes' } };
    }
    const signerRows = await tx.record.findMany({
      where: { zoneId: zone.id, type: { in: ['DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY'] } },
      select: { id: true, name: true, type: true, ttl: true, content: true },
    });
    await tx.dnssecKey.deleteMany({ where: { zoneId: zone.id } });
    return { errors: [], removedRows: signerRows, added: [], notifyRecords, forceVersion: true, signing: { mode: 'changes', dnssec: null }, signerWrites: true };
  });
  // Set inside the plan, which TypeScript does not follow.
  step = step as UnsignResult['step'];
  await recordDnssecEvent(commit.zone, commit.newSerial, step === 'announced' ? 'unsigning: CDS/CDNSKEY delete published for the parent' : 'unsigned: keys, signatures and chain removed');
  return { step, commit };
}

/**
 * Makes again the zone's signatures that are due (Zone.resignAt), as one
 * change by the signer of at most a batch of them (lib/zones/dnssec-commit.ts
 * `refresh`); a zone with more due stays due, and the worker's next turn
 * takes the next batch. Returns false when nothing was due after all (another
 * worker on the same database refreshed them first). `now` may look ahead:
 * the signatures due by then are made again, at the real time.
 */
export async function refreshSignatures(zoneName: string, now = new Date()): Promise<boolean> {
  const r = await commitRecords(zoneName, SIGNER, 'DNSSEC: signatures refreshed before they expire', undefined, async (tx, zone) => {
    if (zone.dnssec === null || zone.resignAt === null || zone.resignAt.getTime() > now.getTime()) {
      return { errors: [], removedRows: [], added: [], notifyRecords: [] };
    }
    return { errors: [], removedRows: [], added: [], notifyRecords: await readApexNotifyRecords(tx, zone), forceVersion: true, signing: { mode: 'refresh', dueBy: now } };
  });
  return r.changed;
}

/** Signed primary zones whose signatures are due by `now`, soonest first, and when the next one after them is. */
export async function dueForResigning(now: Date, limit: number): Promise<{ due: string[]; next: Date | null }> {
  const rows = await db().zone.findMany({
    where: { resignAt: { not: null, lte: now }, kind: 'primary' },
    orderBy: { resignAt: 'asc' },
    take: limit,
    select: { name: true },
  });
  const later = await db().zone.findFirst({ where: { resignAt: { gt: now } }, orderBy: { resignAt: 'asc' }, select: { resignAt: true } });
  return { due: rows.map((r) => r.name), next: later?.resignAt ?? null };
}
