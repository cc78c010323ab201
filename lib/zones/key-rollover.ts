// Key rollovers (issue 19; RFC 6781 §4.1, RFC 7583). Each step is one change
// through commitRecords by the signer, so the DNSKEY set, the CDS/CDNSKEY set
// and the signatures move together, and one zone event says what happened.
//
// ZSK, by pre-publication, on its own every ZK_DNSSEC_ZSK_LIFETIME:
//   1. a new ZSK enters the DNSKEY set, not signing ('pre-published');
//   2. after ZK_DNSSEC_KEY_WAIT (caches hold the new DNSKEY set) it signs
//      everything, and the old one stops signing but stays published ('retiring');
//   3. after another wait (no cache holds a signature of the old one) the old one goes.
// KSK, by double signature, started by an operator (`zone rollover --ksk`):
//   1. a new KSK is published and signs the DNSKEY set beside the old one;
//      CDS/CDNSKEY name the new one ('waiting-ds'), and its DS is shown to give the parent;
//   2. when the parent holds the new DS (seen in a parent zone served here, or
//      confirmed with `zone rollover --ds-seen`), the new KSK is the zone's and the old
//      one, still signing for validators that cached the old DS, is 'retiring';
//   3. after ZK_DNSSEC_KEY_WAIT the old KSK goes.
// Nothing here runs per zone on a timer: the worker asks for keys whose step is
// due along DnssecKey(state, stateSince) (dueKeySteps).
import { dnssecTimers, type DnssecTimers } from '../config/env';
import { db } from '../db';
import { dsContent, generateZoneKey } from '../dns/dnssec/keys';
import type { DnssecAlgorithmName } from '../dns/dnssec/types';
import { AppError } from '../errors';
import { recordZoneEvents } from '../replication/zone-events';
import type { Actor } from './actor';
import { commitRecords, type CommitPlan, type Tx, type ZoneRow } from './changes';
import { checkZoneConfigure } from './creation-rules';
import { readRecordsAt } from './data';
import { storeZoneKey, type KeyState } from './dnssec-keys';
import type { SigningMode } from './dnssec-commit';
import { readApexNotifyRecords } from './neighbourhood';
import { toZoneName } from './zone-lifecycle';

/** The signer as the changelog names it: the worker refreshing signatures or rolling keys. */
export const SIGNER: Actor = { name: 'signer' };

interface KeyRow {
  id: number;
  role: string;
  state: string;
  algorithm: number;
  keyTag: number;
  dnskey: string;
  stateSince: Date;
}

export type KeyStep =
  | { kind: 'zsk-prepublish'; old: KeyRow }
  | { kind: 'zsk-activate'; key: KeyRow; old: KeyRow[] }
  | { kind: 'zsk-remove'; key: KeyRow }
  | { kind: 'ksk-remove'; key: KeyRow };

const due = (k: KeyRow, seconds: number, now: Date) => k.stateSince.getTime() + seconds * 1000 <= now.getTime();

/** The next automatic step for a zone's keys at `now`, or null. Pure: the rules above, in the order they must go. */
export function keyStepDue(keys: readonly KeyRow[], t: DnssecTimers, now: Date): KeyStep | null {
  const zsks = keys.filter((k) => k.role === 'zsk');
  const retiring = zsks.find((k) => k.state === 'retiring' && due(k, t.keyWaitSeconds, now));
  if (retiring) return { kind: 'zsk-remove', key: retiring };
  const waiting = zsks.find((k) => k.state === 'pre-published' && due(k, t.keyWaitSeconds, now));
  if (waiting) return { kind: 'zsk-activate', key: waiting, old: zsks.filter((k) => k.state === 'active') };
  const busy = zsks.some((k) => k.state === 'pre-published' || k.state === 'retiring');
  const old = zsks.find((k) => k.state === 'active' && due(k, t.zskLifetimeSeconds, now));
  if (old && !busy) return { kind: 'zsk-prepublish', old };
  const oldKsk = keys.find((k) => k.role === 'ksk' && k.state === 'retiring' && due(k, t.keyWaitSeconds, now));
  if (oldKsk) return { kind: 'ksk-remove', key: oldKsk };
  return null;
}

/** Zones with a key whose automatic step is due by `now`, read along DnssecKey(state, stateSince). */
export async function zonesWithKeyStepsDue(now: Date, limit: number): Promise<string[]> {
  const t = dnssecTimers();
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const rows = await db().dnssecKey.findMany({
    where: {
      OR: [
        { state: { in: ['pre-published', 'retiring'] }, stateSince: { lte: before(t.keyWaitSeconds) } },
        { role: 'zsk', state: 'active', stateSince: { lte: before(t.zskLifetimeSeconds) } },
      ],
    },
    select: { zone: { select: { name: true, kind: true } } },
    take: limit,
  });
  return [...new Set(rows.filter((r) => r.zone.kind === 'primary').map((r) => r.zone.name))];
}

/** When the next automatic key step of any zone falls due; null when none is pending. */
export async function nextKeyStepAt(): Promise<Date | null> {
  const t = dnssecTimers();
  const first = async (where: object, seconds: number) => {
    const r = await db().dnssecKey.findFirst({ where, orderBy: { stateSince: 'asc' }, select: { stateSince: true } });
    return r ? r.stateSince.getTime() + seconds * 1000 : Infinity;
  };
  const at = Math.min(
    await first({ state: { in: ['pre-published', 'retiring'] } }, t.keyWaitSeconds),
    await first({ role: 'zsk', state: 'active' }, t.zskLifetimeSeconds),
  );
  return Number.isFinite(at) ? new Date(at) : null;
}

/** What a step plan returns: no record of its own, the signing mode its key change needs. */
async function keyPlan(tx: Tx, zone: ZoneRow, mode: SigningMode): Promise<CommitPlan> {
  return { errors: [], removedRows: [], added: [], notifyRecords: await readApexNotifyRecords(tx, zone), forceVersion: true, signing: { mode } };
}

async function setState(tx: Tx, id: number, state: KeyState, flags: { active?: boolean; atParent?: boolean }, now: Date): Promise<void> {
  await tx.dnssecKey.update({ where: { id }, data: { state, stateSince: now, ...flags } });
}

const algorithmName = (n: number): DnssecAlgorithmName => (n === 15 ? 'ed25519' : 'ecdsap256sha256');

/**
 * Takes the zone's next due automatic key step, as one change by the signer,
 * and records it as a `dnssec` event. Returns what was done, or null when
 * nothing was due (another worker took it first).
 */
export async function runKeyStep(zoneName: string, now = new Date()): Promise<string | null> {
  let done: string | null = null;
  const r = await commitRecords(zoneName, SIGNER, 'DNSSEC: key rollover step', undefined, async (tx, zone) => {
    if (zone.dnssec === null) return { errors: [], removedRows: [], added: [], notifyRecords: [] };
    const keys = await tx.dnssecKey.findMany({ where: { zoneId: zone.id }, orderBy: { id: 'asc' } });
    const step = keyStepDue(keys, dnssecTimers(), now);
    if (!step) return { errors: [], removedRows: [], added: [], notifyRecords: [] };
    switch (step.kind) {
      case 'zsk-prepublish': {
        const k = await storeZoneKey(tx, zone, { ...generateZoneKey('zsk', algorithmName(step.old.algorithm)), published: true }, 'pre-published', now);
        done = `ZSK rollover: new ZSK ${k.keyTag} published, signing after the wait; ZSK ${step.old.keyTag} still signs`;
        return keyPlan(tx, zone, 'changes');
      }
      case 'zsk-activate':
        await setState(tx, step.key.id, 'active', { active: true }, now);
        for (const o of step.old) await setState(tx, o.id, 'retiring', { active: false }, now);
        done = `ZSK rollover: ZSK ${step.key.keyTag} signs now; ${step.old.map((o) => `ZSK ${o.keyTag}`).join(', ') || 'no old ZSK'} retiring`;
        return keyPlan(tx, zone, 'all');
      case 'zsk-remove':
      case 'ksk-remove':
        await tx.dnssecKey.delete({ where: { id: step.key.id } });
        done = `${step.kind === 'zsk-remove' ? 'ZSK' : 'KSK'} rollover: ${step.key.role.toUpperCase()} ${step.key.keyTag} removed from the DNSKEY set`;
        return keyPlan(tx, zone, 'changes');
    }
  });
  if (done && r.changed) await recordDnssecEvent(r.zone, r.newSerial, done);
  return r.changed ? done : null;
}

/** A `dnssec` zone event: a signing, an unsigning step or a key rollover step, after its change committed. */
export async function recordDnssecEvent(zoneName: string, serial: number, detail: string): Promise<void> {
  const zone = await db().zone.findUnique({ where: { name: zoneName }, select: { id: true } });
  await recordZoneEvents([{ zoneId: zone?.id ?? null, zoneName, kind: 'dnssec', peer: '', serial, outcome: 'ok', detail }]);
}

export interface KskRolloverResult {
  step: 'started' | 'completed';
  /** The new KSK's DS, for the parent. */
  ds: string;
  keyTag: number;
  serial: number;
}

/**
 * `zonekeeper zone rollover ZONE --ksk`: starts a KSK rollover (step 1), or,
 * with `dsSeen`, confirms that the parent holds the new DS (step 2).
 */
export async function rollKsk(zoneInput: string, actor: Actor, dsSeen: boolean, now = new Date()): Promise<KskRolloverResult> {
  const zoneName = toZoneName(zoneInput);
  await checkZoneConfigure(db(), actor);
  let result: Omit<KskRolloverResult, 'serial'> | undefined;
  let detail = '';
  const r = await commitRecords(zoneName, actor, dsSeen ? 'DNSSEC: KSK rollover, the parent has the new DS' : 'DNSSEC: KSK rollover started', undefined, async (tx, zone) => {
    if (zone.dnssec === null) throw new AppError('conflict', `${zoneName} is not signed; sign it first (zonekeeper zone sign ${zoneName}).`);
    const keys = await tx.dnssecKey.findMany({ where: { zoneId: zone.id, role: 'ksk' }, orderBy: { id: 'asc' } });
    const pending = keys.find((k) => k.state === 'waiting-ds');
    if (!dsSeen) {
      if (pending) throw new AppError('conflict', `A KSK rollover of ${zoneName} is under way: KSK ${pending.keyTag} waits for its DS at the parent. Once the parent has it, run: zonekeeper zone rollover ${zoneName} --ksk --ds-seen`);
      if (keys.some((k) => k.state === 'retiring')) throw new AppError('conflict', `The last KSK rollover of ${zoneName} is still retiring its old key; start a new one after ZK_DNSSEC_KEY_WAIT.`);
      const current = keys.find((k) => k.state === 'active')!;
      const k = await storeZoneKey(tx, zone, { ...generateZoneKey('ksk', algorithmName(current.algorithm)), published: true, active: true, atParent: true }, 'waiting-ds', now);
      await tx.dnssecKey.update({ where: { id: current.id }, data: { atParent: false } });
      result = { step: 'started', ds: dsContent(zone.name, k.dnskey), keyTag: k.keyTag };
      detail = `KSK rollover: new KSK ${k.keyTag} published and signing the DNSKEY set beside KSK ${current.keyTag}; give the parent its DS`;
      return keyPlan(tx, zone, 'changes');
    }
    if (!pending) throw new AppError('conflict', `No KSK rollover of ${zoneName} is waiting for a DS; start one with: zonekeeper zone rollover ${zoneName} --ksk`);
    for (const old of keys.filter((k) => k.state === 'active')) await setState(tx, old.id, 'retiring', {}, now);
    await setState(tx, pending.id, 'active', {}, now);
    result = { step: 'completed', ds: dsContent(zone.name, pending.dnskey), keyTag: pending.keyTag };
    detail = `KSK rollover: the parent has the DS of KSK ${pending.keyTag}; the old KSK retires after the wait`;
    return keyPlan(tx, zone, 'changes');
  });
  await recordDnssecEvent(r.zone, r.newSerial, detail);
  return { ...result!, serial: r.newSerial };
}

/**
 * KSK rollovers whose new DS a parent zone served here already holds: the
 * parent's side of step 2, seen without anyone confirming it. A parent
 * elsewhere is the operator's to confirm (`zone rollover --ksk --ds-seen`).
 */
export async function kskRolloversSeenAtParent(limit: number): Promise<string[]> {
  const waiting = await db().dnssecKey.findMany({
    where: { state: 'waiting-ds' },
    select: { dnskey: true, zone: { select: { name: true } } },
    take: limit,
  });
  const seen: string[] = [];
  for (const k of waiting) {
    const child = k.zone.name;
    const ancestors = child.split('.').slice(1, -1).map((_, i, labels) => `${labels.slice(i).join('.')}.`);
    const parents = await db().zone.findMany({ where: { name: { in: ancestors } }, select: { id: true, name: true } });
    const parent = parents.sort((a, b) => b.name.length - a.name.length)[0];
    if (!parent) continue;
    const ds = await readRecordsAt(db(), parent.id, [child], { types: ['DS'] });
    if (ds.some((r) => r.content === dsContent(child, k.dnskey))) seen.push(child);
  }
  return seen;
}
