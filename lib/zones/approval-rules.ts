// Approval rules (four eyes, issue 21): which changes a person may not commit
// alone. commitRecords asks approvalNeeds() inside its transaction, for every
// way in, so a page, the CLI acting as a user or a server action posted
// directly are refused alike. Who is subject:
// - people who are not admins: editors through the editor, an import, a
//   revert; admins set the rules and are not held by them;
// - not an actor without a user: the local CLI operator (an admin's rights),
//   API keys (automation an admin scoped by name and type; they have no owner
//   to follow), DNS UPDATE, the signer, transfers in and catalogs;
// - not a plan that only signs or unsigns (it touches no NS, SOA field or
//   record of a person's).
// An approved change request (Actor.request) satisfies the rules, provided
// the approver is not the requester; the NS/SOA-only-by-admins setting then
// still wants an admin approver.
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { relativeName } from '../dns/names';
import type { RR } from '../dns/types';
import { getSetting } from '../settings/data';
import { approvalRulesSchema, type ApprovalRules } from '../settings/schema';
import { AppError } from '../errors';
import type { Actor } from './actor';

type Tx = Pick<Prisma.TransactionClient, 'user' | 'setting'>;

export type ApprovalRule = 'apex-ns-soa' | 'deletions' | 'max-records' | 'ns-soa-admins';

/** One rule a change trips, and what to tell the person. */
export interface ApprovalNeed {
  rule: ApprovalRule;
  message: string;
}

/** The zone's own rules (Zone.approvalRules), or null when it follows the global setting. */
export function zoneApprovalRules(stored: string | null): ApprovalRules | null {
  if (stored === null) return null;
  try {
    const parsed = approvalRulesSchema.safeParse(JSON.parse(stored));
    if (parsed.success) return parsed.data;
  } catch {
    // an unreadable value is treated as no override
  }
  return null;
}

/** A zone's own rules for its settings page, or null when it follows the global setting. */
export async function getZoneApprovalRules(zoneId: number): Promise<ApprovalRules | null> {
  const z = await db().zone.findUnique({ where: { id: zoneId }, select: { approvalRules: true } });
  return z ? zoneApprovalRules(z.approvalRules) : null;
}

/** What a change does that the rules look at. */
export interface ChangeShape {
  zone: string;
  removed: readonly RR[];
  added: readonly RR[];
  soaChanged: boolean;
}

/** The rules `shape` trips under `rules` (and the admins-only setting), whoever makes it. */
export function rulesTripped(shape: ChangeShape, rules: ApprovalRules, nsSoaAdminsOnly: boolean): ApprovalNeed[] {
  const out: ApprovalNeed[] = [];
  const apexNs = [...shape.removed, ...shape.added].some((r) => r.type === 'NS' && r.name === shape.zone);
  const nsSoa = apexNs || shape.soaChanged;
  const what = [apexNs ? 'apex NS' : '', shape.soaChanged ? 'SOA' : ''].filter(Boolean).join(' and ');
  if (nsSoa && nsSoaAdminsOnly) out.push({ rule: 'ns-soa-admins', message: `only admins may change the ${what} of ${shape.zone} (Settings → Approval)` });
  else if (nsSoa && rules.apexNsSoa) out.push({ rule: 'apex-ns-soa', message: `changes to the ${what} of ${shape.zone} need a second person’s approval` });
  if (rules.deletions) {
    const kept = new Set(shape.added.map((r) => `${r.name} ${r.type}`));
    const gone = shape.removed.filter((r) => !kept.has(`${r.name} ${r.type}`) && r.type !== 'SOA');
    if (gone.length) {
      const named = gone.slice(0, 3).map((r) => `${relativeName(r.name, shape.zone)} ${r.type} ${r.content}`).join(', ');
      out.push({ rule: 'deletions', message: `deleting records (${named}${gone.length > 3 ? ', …' : ''}) needs a second person’s approval` });
    }
  }
  if (rules.maxRecords > 0) {
    const touched = new Set([...shape.removed, ...shape.added].filter((r) => r.type !== 'SOA').map((r) => `${r.name} ${r.type} ${r.content}`)).size;
    if (touched > rules.maxRecords) {
      out.push({ rule: 'max-records', message: `this change touches ${touched} records; more than ${rules.maxRecords} need a second person’s approval` });
    }
  }
  return out;
}

/**
 * The rules `actor`'s change trips on this zone, read in the commit's
 * transaction (a setting or role changed a moment ago counts). Empty when the
 * actor is not subject, or is applying a request another person made (then
 * only an admin may apply an NS/SOA change the admins-only setting covers).
 * Throws when the approver is the requester.
 */
export async function approvalNeeds(tx: Tx, zone: { approvalRules: string | null }, actor: Actor, shape: ChangeShape): Promise<ApprovalNeed[]> {
  if (actor.userId === undefined) return [];
  const user = await tx.user.findUnique({ where: { id: actor.userId }, select: { role: true } });
  if (user?.role === 'admin') return [];
  if (actor.request && actor.request.requesterId === actor.userId) {
    throw new AppError('forbidden', 'Nobody approves their own change request: another person who may edit the zone has to.');
  }
  const settings = await getSetting('approval', tx);
  const needs = rulesTripped(shape, zoneApprovalRules(zone.approvalRules) ?? settings, settings.nsSoaAdminsOnly);
  if (!actor.request) return needs;
  return needs
    .filter((n) => n.rule === 'ns-soa-admins')
    .map((n) => ({ ...n, message: `${n.message}: an admin has to approve this request` }));
}

/** The refusal of a change that trips rules, naming each; the editor then offers to request approval. */
export function approvalRequired(zone: string, needs: readonly ApprovalNeed[]): AppError {
  return new AppError(
    'approval-required',
    `This change to ${zone} needs approval: ${needs.map((n) => n.message).join('; ')}. Nothing was saved; request approval instead.`,
    {},
    needs.map((n) => ({ record: n.rule, message: n.message })),
  );
}

// ---------------------------------------------------------------- the per-zone setting in words

/**
 * `zonekeeper zone set ZONE --approval …`: `default` (follow the global
 * setting), `none` (no rules on this zone), or any of `ns-soa`, `deletions`,
 * `over=N` (changesets over N records), comma-separated.
 */
export function parseApprovalOption(values: readonly string[]): ApprovalRules | null {
  const words = values.map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (words.length === 1 && words[0] === 'default') return null;
  const rules: ApprovalRules = { apexNsSoa: false, deletions: false, maxRecords: 0 };
  if (words.length === 1 && words[0] === 'none') return rules;
  for (const w of words) {
    const over = /^over=(\d{1,7})$/.exec(w);
    if (w === 'ns-soa') rules.apexNsSoa = true;
    else if (w === 'deletions') rules.deletions = true;
    else if (over && Number(over[1]) > 0) rules.maxRecords = Number(over[1]);
    else {
      const message = `"${w}" is not an approval rule: give default, none, or any of ns-soa, deletions, over=N`;
      throw new AppError('invalid', message, { approvalRules: [message] });
    }
  }
  return rules;
}

/** The rules in words, as the CLI and the zone settings page show them. */
export function describeApprovalRules(rules: ApprovalRules): string {
  const parts = [rules.apexNsSoa ? 'apex NS/SOA' : '', rules.deletions ? 'deletions' : '', rules.maxRecords ? `over ${rules.maxRecords} records` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}
