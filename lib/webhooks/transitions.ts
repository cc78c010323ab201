// Alerts (issue 23), the detecting half: after the prober records a batch,
// the zones of that batch (and only those: no periodic work per zone) have
// their replication state computed as the dashboard does, and compared with
// the state remembered in ZoneHealth. A move between healthy and a problem,
// either way, replaces the remembered state and writes one delivery per
// enabled webhook in the same transaction: an outbox, sent by the worker's
// WebhookSender. The replacement is conditional on the state read, so two
// workers that see the same transition write it once. With no webhook
// enabled the new states are only remembered, a statement per kind of move
// for the batch (a first sweep that finds every zone unreachable).
import { db, writeTransaction } from '../db';
import { isForeignKeyViolation, isUniqueViolation } from '../db-errors';
import type { Prisma } from '../generated/prisma/client';
import { listReplication, type ZoneReplicaState, type ZoneReplication } from '../replication/data';
import { diagnoseReplication } from '../replication/doctor-data';
import type { SecondaryDiagnosis } from '../replication/doctor';

export type AlertEvent = 'problem' | 'recovered';

/** States an operator is alerted about; the others (in sync, propagating, no secondaries) are healthy. */
export const PROBLEM_STATES: readonly ZoneReplicaState[] = ['behind', 'unreachable', 'missing'];

export const isProblem = (state: string): boolean => (PROBLEM_STATES as readonly string[]).includes(state);

/** What a receiver gets, as JSON. */
export interface AlertBody {
  event: AlertEvent | 'test';
  zone: string;
  state: string;
  /** The state alerted on before; null at the first sight of a zone. */
  previousState: string | null;
  /** When the probe that showed it was recorded (ISO 8601). */
  at: string;
  /** The doctor's finding for each secondary. */
  secondaries: SecondaryDiagnosis[];
}

/** A delivery of `body` to every enabled webhook, written in `tx`; the number written. */
export async function enqueueDeliveries(tx: Prisma.TransactionClient, zone: { id: number | null; name: string }, body: AlertBody): Promise<number> {
  const hooks = await tx.webhook.findMany({ where: { enabled: true }, select: { id: true } });
  if (hooks.length === 0) return 0;
  const text = JSON.stringify(body);
  const now = new Date(body.at);
  await tx.webhookDelivery.createMany({
    data: hooks.map((h) => ({ webhookId: h.id, zoneId: zone.id, zoneName: zone.name, event: body.event, state: body.state, body: text, nextAttemptAt: now, createdAt: now })),
  });
  return hooks.length;
}

interface Transition {
  rep: ZoneReplication;
  previous: { state: string } | null;
  event: AlertEvent;
}

/**
 * Compares the zones `zoneIds` (a batch the prober just recorded) with their
 * remembered state and writes the transitions' deliveries. Returns how many
 * deliveries it wrote (the sender is kicked when some were). A zone seen for
 * the first time is remembered as it is, and alerted on only if it is in a
 * problem state: a secondary missing since the zone was made is news too.
 */
export async function recordTransitions(zoneIds: readonly number[], now = new Date()): Promise<number> {
  if (zoneIds.length === 0) return 0;
  const [reps, known] = await Promise.all([
    listReplication({ zoneIds: [...zoneIds], now }),
    db().zoneHealth.findMany({ where: { zoneId: { in: [...zoneIds] } }, select: { zoneId: true, state: true } }),
  ]);
  const remembered = new Map(known.map((k) => [k.zoneId, k]));
  const changes: Transition[] = [];
  const firstSeen: ZoneReplication[] = [];
  for (const rep of reps) {
    const previous = remembered.get(rep.zoneId) ?? null;
    const problem = isProblem(rep.state);
    if (!previous) {
      if (problem) changes.push({ rep, previous, event: 'problem' });
      else firstSeen.push(rep);
    } else if (problem !== isProblem(previous.state)) {
      changes.push({ rep, previous, event: problem ? 'problem' : 'recovered' });
    }
    // A move within healthy (in sync ↔ propagating) or within a problem (behind → unreachable) is no news.
  }
  if (changes.length > 0 && (await db().webhook.count({ where: { enabled: true } })) === 0) {
    // Nobody to alert: the new states are remembered a statement per kind of move, not a transaction per zone.
    await rememberFirst([...firstSeen, ...changes.filter((c) => !c.previous).map((c) => c.rep)], now);
    await rememberMoves(changes.filter((c) => c.previous), now);
    return 0;
  }
  if (firstSeen.length > 0) await rememberFirst(firstSeen, now);
  if (changes.length === 0) return 0;

  const diagnoses = new Map((await diagnoseReplication(changes.map((c) => c.rep), now)).map((d) => [d.zone, d]));
  let written = 0;
  for (const c of changes) {
    const body: AlertBody = {
      event: c.event,
      zone: c.rep.zone,
      state: c.rep.state,
      previousState: c.previous?.state ?? null,
      at: now.toISOString(),
      secondaries: diagnoses.get(c.rep.zone)?.secondaries ?? [],
    };
    try {
      written += await writeTransaction(async (tx) => {
        if (c.previous) {
          const { count } = await tx.zoneHealth.updateMany({ where: { zoneId: c.rep.zoneId, state: c.previous.state }, data: { state: c.rep.state, since: now } });
          if (count === 0) return 0; // another worker recorded this transition
        } else {
          await tx.zoneHealth.create({ data: { zoneId: c.rep.zoneId, state: c.rep.state, since: now } });
        }
        return enqueueDeliveries(tx, { id: c.rep.zoneId, name: c.rep.zone }, body);
      });
    } catch (err) {
      // Another worker remembered this zone first (and alerted on it), or the zone was deleted meanwhile.
      if (!isUniqueViolation(err) && !isForeignKeyViolation(err)) throw err;
    }
  }
  return written;
}

/** Remembers zones that moved from their remembered state, one statement per move (from, to); as conditional as a transition's own. */
async function rememberMoves(moves: readonly Transition[], now: Date): Promise<void> {
  const byMove = new Map<string, { from: string; to: string; zoneIds: number[] }>();
  for (const m of moves) {
    const key = `${m.previous!.state} ${m.rep.state}`;
    if (!byMove.has(key)) byMove.set(key, { from: m.previous!.state, to: m.rep.state, zoneIds: [] });
    byMove.get(key)!.zoneIds.push(m.rep.zoneId);
  }
  for (const { from, to, zoneIds } of byMove.values()) {
    await db().zoneHealth.updateMany({ where: { zoneId: { in: zoneIds }, state: from }, data: { state: to, since: now } });
  }
}

/**
 * Remembers zones seen for the first time: one statement for the
 * batch (a first sweep over many zones), else, when another worker
 * remembered one of them meanwhile, a row each, keeping the other's.
 */
async function rememberFirst(reps: readonly ZoneReplication[], now: Date): Promise<void> {
  const rows = reps.map((rep) => ({ zoneId: rep.zoneId, state: rep.state, since: now }));
  try {
    await db().zoneHealth.createMany({ data: rows });
    return;
  } catch (err) {
    if (!isUniqueViolation(err) && !isForeignKeyViolation(err)) throw err;
  }
  for (const data of rows) {
    try {
      await db().zoneHealth.create({ data });
    } catch (err) {
      if (!isUniqueViolation(err) && !isForeignKeyViolation(err)) throw err;
    }
  }
}
