// A DNS UPDATE (RFC 2136) as one change to a zone. The worker
// (lib/worker/update.ts) has checked the TSIG signature and the zone's
// update policy; this does the rest in the RFC's order: the zone (§3.1),
// then, inside commitRecords' transaction and under the zone's lock, the
// prerequisites (§3.2), the prescan (§3.4.1) and the updates (§3.4.2) on
// the names the message touches (lib/zones/update-view.ts), committed with
// one serial bump, one Change and one NOTIFY round like every other change.
//
// Which rcode answers which failure:
//   no zone of that name (exact match)          NOTAUTH   (§3.1.2; BIND too)
//   a secondary zone                            REFUSED   (BIND 9.18 without allow-update-forwarding,
//                                                          whose default is none: the forwarding ACL refuses;
//                                                          BIND 9.18.49 answered so when tried, 2026-12-06)
//   a prerequisite not met                      NXDOMAIN, YXDOMAIN, NXRRSET, YXRRSET (§3.2.5)
//   a name outside the zone                     NOTZONE   (§3.2.1, §3.4.1.1)
//   a class, TTL, type or data the RFC forbids  FORMERR   (§3.2.1, §3.4.1.3)
//   data we do not store, or a result the zone's rules refuse (CNAME target of an NS, …)
//                                               REFUSED   (BIND refuses what fails its post-update checks)
//   an add or delete of the signer's types (DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, CDS, CDNSKEY)
//                                               REFUSED   (RFC 3007 §4.3; BIND 9.18.49 refuses RRSIG and NSEC
//                                                          in a signed zone, tried 2026-12-06, but takes DNSKEY,
//                                                          CDS and NSEC3PARAM, which our signer writes itself)
//   (deleting a whole name leaves its RRSIG/NSEC for the signer to redo, as BIND's signer does)
//   another writer changed the zone in between  SERVFAIL  (the zone lock makes this all but impossible)
// In every one of them nothing is written.
import { isInZone } from '../dns/names';
import type { UpdateMessage, UpdateRcode } from '../dns/update-types';
import { AppError } from '../errors';
import type { TimeSlice } from '../time-slice';
import type { Actor } from './actor';
import { commitRecords, type CommitPlan, type CommitResult, type Tx, type ZoneRow } from './changes';
import { readRecordsAt, soaFieldsOf } from './data';
import { readNeighbourhood, readNotifyRecords } from './neighbourhood';
import { UpdateFailure, UpdateView } from './update-view';
import { checkChangeRules } from './validate';
import { toZoneName } from './zone-lifecycle';
import { diffStored, plainRecord } from './zone-version';

export type UpdateOutcome = { rcode: 'NOERROR'; result: CommitResult } | { rcode: Exclude<UpdateRcode, 'NOERROR'>; reason: string };

/** The comment of the Change an UPDATE makes; the actor names the key. */
export const UPDATE_COMMENT = 'DNS UPDATE';

/**
 * The serial an UPDATE writes follows the zone's policy (one bump), also
 * when the message carries an SOA with a greater serial: that serial only
 * decides whether the SOA's other fields are taken (RFC 2136 §3.4.2.2).
 * (BIND 9.18 writes the client's serial instead; an import keeps a file's
 * serial when it is ahead of the policy's.)
 */
const KEEP_UPDATE_SERIAL = false;

/**
 * Applies `update` for `actor` as one change and says what to answer. An
 * UPDATE that changes nothing (every update ignored or already true) writes
 * nothing and is NOERROR with `result.changed` false. Throws only for
 * failures of the database itself, which the worker answers SERVFAIL.
 */
export async function applyDnsUpdate(update: UpdateMessage, actor: Actor): Promise<UpdateOutcome> {
  let zoneName: string;
  try {
    // A name we could not have made a zone of is none of ours (and then never reaches a message below).
    zoneName = toZoneName(update.zone);
  } catch (err) {
    if (err instanceof AppError) return { rcode: 'NOTAUTH', reason: `no zone ${JSON.stringify(update.zone)} is served here` };
    throw err;
  }
  try {
    const result = await commitRecords(zoneName, actor, UPDATE_COMMENT, undefined, (tx, zone, slice) => planUpdate(tx, zone, slice, update));
    return { rcode: 'NOERROR', result };
  } catch (err) {
    if (err instanceof UpdateFailure) return { rcode: err.rcode, reason: err.reason };
    if (err instanceof AppError) {
      if (err.code === 'not-found') return { rcode: 'NOTAUTH', reason: `no zone ${zoneName} is served here` };
      if (err.code === 'forbidden') return { rcode: 'REFUSED', reason: `${zoneName} is a secondary zone here; send the update to its primary` };
      if (err.code === 'conflict') return { rcode: 'SERVFAIL', reason: err.message };
    }
    throw err;
  }
}

/** Runs inside commitRecords' transaction: reads the touched names, applies the RFC, and says what to write. */
async function planUpdate(tx: Tx, zone: ZoneRow, slice: TimeSlice, update: UpdateMessage): Promise<CommitPlan> {
  // Only the names the message names (and the apex: its NS set is guarded and names the NOTIFY
  // targets) are read: a one-record UPDATE to a zone of a million records reads a few rows.
  const touched = new Set([zone.name]);
  for (const r of [...update.prerequisites, ...update.updates]) {
    const name = r.name.toLowerCase();
    if (isInZone(name, zone.name)) touched.add(name);
  }
  const stored = await readRecordsAt(tx, zone.id, touched);
  const view = new UpdateView(zone.name, { fields: soaFieldsOf(zone), ttl: zone.soaTtl }, touched, stored.map(plainRecord));
  view.checkPrerequisites(update.prerequisites);
  view.apply(view.prescan(update.updates));

  const { removedRows, added } = await diffStored(stored, view.records(), slice);
  const { state, raised } = view.soa;
  if (removedRows.length === 0 && added.length === 0 && !raised) return { errors: [], removedRows, added, notifyRecords: [] };
  const names = view.byName();
  const broken = checkChangeRules(zone.name, await readNeighbourhood(tx, zone, names));
  if (broken.length) throw new UpdateFailure('REFUSED', broken.map((e) => e.message).join('; '));
  return {
    errors: [],
    removedRows,
    added,
    notifyRecords: await readNotifyRecords(tx, zone, names),
    ...(raised ? { soa: { soa: state.fields, ttl: state.ttl, keepSerial: KEEP_UPDATE_SERIAL }, forceVersion: true } : {}),
  };
}
