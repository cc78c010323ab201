// Users: creation, login check, the first admin created at start-up, and
// the user management of /settings/users and `zonekeeper user …` (role,
// disable, password reset, per-zone grants for editors).
import type { Prisma } from '../generated/prisma/client';
import { isUniqueViolation } from '../db-errors';
import { db, writeTransaction } from '../db';
import { adminPassword } from '../config/env';
import { absoluteName } from '../dns/names';
import { AppError } from '../errors';
import { generatePassword, hashPassword, verifyPassword } from './password';
import { isRole, type Role, type SessionUser } from './permission';
import { MIN_PASSWORD_LENGTH } from './schema';
import { endUserSessions } from './session-store';

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
// Defined with the form schemas (which the browser loads); re-exported for existing callers.
export { MIN_PASSWORD_LENGTH };
let dummyHash: Promise<string> | undefined;

export async function createUser(name: string, password: string, role: string): Promise<SessionUser> {
  const n = name.trim().toLowerCase();
  if (!USERNAME.test(n)) {
    throw new AppError('invalid', `"${name}" is not a valid user name: use letters, digits, dot, dash or underscore (up to 63)`, {
      name: ['letters, digits, dot, dash or underscore'],
    });
  }
  if (!isRole(role)) throw new AppError('invalid', `role must be admin, editor or viewer, not "${role}"`, { role: ['admin, editor or viewer'] });
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('invalid', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      password: [`at least ${MIN_PASSWORD_LENGTH} characters`],
    });
  }
  try {
    const u = await db().user.create({ data: { name: n, passwordHash: await hashPassword(password), role } });
    return { id: u.id, name: u.name, role };
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('exists', `a user named ${n} already exists`, { name: ['already taken'] });
    }
    throw err;
  }
}

/** The user if name and password match an enabled account; null otherwise, without saying which part was wrong. */
export async function verifyLogin(name: string, password: string): Promise<SessionUser | null> {
  const u = await db().user.findUnique({ where: { name: name.trim().toLowerCase() } });
  // Compare against a throwaway hash when the user is unknown so timing does not tell.
  dummyHash ??= hashPassword(generatePassword());
  const ok = await verifyPassword(password, u?.passwordHash ?? (await dummyHash));
  if (!u || !ok || u.disabled || !isRole(u.role)) return null;
  return { id: u.id, name: u.name, role: u.role };
}

export async function getActiveUser(id: number): Promise<SessionUser | null> {
  const u = await db().user.findUnique({ where: { id } });
  if (!u || u.disabled || !isRole(u.role)) return null;
  return { id: u.id, name: u.name, role: u.role };
}

/**
 * Creates `admin` when there are no users. Returns the password when it was
 * generated (so the caller prints it once), or null.
 */
export async function ensureFirstAdmin(envPassword = adminPassword()): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await db().user.count()) > 0) return { created: false, generatedPassword: null };
  const password = envPassword && envPassword.length > 0 ? envPassword : generatePassword();
  await createUser('admin', password, 'admin');
  return { created: true, generatedPassword: envPassword ? null : password };
}

// ---------------------------------------------------------------- management

/** A row of the user list. */
export interface UserSummary {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  /** Zones granted (only editors are limited by them). */
  grantCount: number;
  /** The first few granted zone names, for the list. */
  someGrants: string[];
}

export interface UserDetail extends Omit<UserSummary, 'someGrants'> {
  grants: string[];
}

/** Who is acting: an admin in the web app (guard rails apply to themselves), or null for the CLI. */
export type UserActor = { id: number } | null;

/** User names are kept lowercase: how a typed name is looked up. */
export function normalizeUserName(name: string): string {
  return name.trim().toLowerCase();
}

function roleOf(value: string): Role {
  // A role this version does not know is shown as the least privileged one.
  return isRole(value) ? value : 'viewer';
}

export async function listUsers(): Promise<UserSummary[]> {
  const rows = await db().user.findMany({
    orderBy: { name: 'asc' },
    include: {
      _count: { select: { grants: true } },
      grants: { take: 3, orderBy: { zone: { name: 'asc' } }, select: { zone: { select: { name: true } } } },
    },
  });
  return rows.map((u) => ({
    id: u.id,
    name: u.name,
    role: roleOf(u.role),
    disabled: u.disabled,
    createdAt: u.createdAt,
    grantCount: u._count.grants,
    someGrants: u.grants.map((g) => g.zone.name),
  }));
}

export async function getUserDetail(name: string): Promise<UserDetail | null> {
  const u = await db().user.findUnique({
    where: { name: normalizeUserName(name) },
    include: { grants: { orderBy: { zone: { name: 'asc' } }, select: { zone: { select: { name: true } } } } },
  });
  if (!u) return null;
  return {
    id: u.id,
    name: u.name,
    role: roleOf(u.role),
    disabled: u.disabled,
    createdAt: u.createdAt,
    grantCount: u.grants.length,
    grants: u.grants.map((g) => g.zone.name),
  };
}

type Tx = Prisma.TransactionClient;

async function findUserOrThrow(tx: Tx, name: string) {
  const u = await tx.user.findUnique({ where: { name: normalizeUserName(name) } });
  if (!u) throw new AppError('not-found', `There is no user ${normalizeUserName(name)}.`, { user: ['unknown user'] });
  return u;
}

/**
 * Refuses a change that would leave no enabled admin (nobody could manage
 * users any more), or an admin locking themselves out. Runs inside the
 * writing transaction, so two admins demoting each other at once cannot
 * both pass (SQLite serializes write transactions).
 */
async function guardAdminLoss(
  tx: Tx,
  target: { id: number; role: string; disabled: boolean },
  after: { role: string; disabled: boolean },
  actor: UserActor,
  what: 'role' | 'disabled',
): Promise<void> {
  const losesAdmin = target.role === 'admin' && !target.disabled && (after.role !== 'admin' || after.disabled);
  if (!losesAdmin) return;
  if (actor && actor.id === target.id) {
    const message = what === 'role' ? 'You cannot change your own role; ask another admin.' : 'You cannot disable your own account; ask another admin.';
    throw new AppError('forbidden', message, { [what]: [message] });
  }
  const others = await tx.user.count({ where: { role: 'admin', disabled: false, id: { not: target.id } } });
  if (others === 0) {
    const message = `${target.id === actor?.id ? 'You are' : 'This is'} the last enabled admin; make another user admin first.`;
    throw new AppError('conflict', message, { [what]: [message] });
  }
}

/** Changes a user's role; their sessions end, so they sign in again under the new role. */
export async function setUserRole(name: string, role: string, actor: UserActor): Promise<void> {
  if (!isRole(role)) throw new AppError('invalid', `role must be admin, editor or viewer, not "${role}"`, { role: ['admin, editor or viewer'] });
  await writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, name);
    if (u.role === role) return;
    await guardAdminLoss(tx, u, { role, disabled: u.disabled }, actor, 'role');
    await tx.user.update({ where: { id: u.id }, data: { role } });
    await endUserSessions(u.id, { tx });
  });
}

/**
 * Disables or enables an account. Disabling ends every session of the user at
 * once; enabling brings none back (they sign in again).
 */
export async function setUserDisabled(name: string, disabled: boolean, actor: UserActor): Promise<void> {
  await writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, name);
    await guardAdminLoss(tx, u, { role: u.role, disabled }, actor, 'disabled');
    await tx.user.update({ where: { id: u.id }, data: { disabled } });
    if (disabled) await endUserSessions(u.id, { tx });
  });
}

function checkNewPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('invalid', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      [field]: [`at least ${MIN_PASSWORD_LENGTH} characters`],
    });
  }
}

/**
 * Sets a new password (generated when none is given) and returns it, to be
 * shown once. Every session of the user ends: whoever knew the old password
 * (or held a cookie) is out.
 */
export async function resetPassword(name: string, password?: string): Promise<string> {
  const next = password ?? generatePassword();
  checkNewPassword(next);
  const hash = await hashPassword(next);
  await writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, name);
    await tx.user.update({ where: { id: u.id }, data: { passwordHash: hash } });
    await endUserSessions(u.id, { tx });
  });
  return next;
}

/**
 * A user changing their own password: the current one must be right. Their
 * other sessions end; `keepSessionId` (the browser they changed it from)
 * stays signed in.
 */
export async function changeOwnPassword(userId: number, current: string, next: string, keepSessionId?: string): Promise<void> {
  const u = await db().user.findUnique({ where: { id: userId } });
  if (!u || u.disabled || !(await verifyPassword(current, u.passwordHash))) {
    throw new AppError('invalid', 'The current password is not right; nothing was changed.', { current: ['not your current password'] });
  }
  checkNewPassword(next, 'password');
  if (next === current) {
    throw new AppError('invalid', 'The new password is the same as the current one.', { password: ['choose a different password'] });
  }
  const hash = await hashPassword(next);
  await writeTransaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash: hash } });
    await endUserSessions(userId, { tx, keep: keepSessionId });
  });
}

/** Ends every session of the user `name` (an admin's or the CLI's "sign out everywhere"); returns how many ended. */
export async function signOutEverywhere(name: string): Promise<number> {
  const u = await db().user.findUnique({ where: { name: normalizeUserName(name) }, select: { id: true } });
  if (!u) throw new AppError('not-found', `There is no user ${normalizeUserName(name)}.`, { user: ['unknown user'] });
  return endUserSessions(u.id);
}

function zoneNameOf(input: string): string {
  try {
    return absoluteName(input.trim());
  } catch (err) {
    throw new AppError('invalid', `"${input}" is not a zone name: ${(err as Error).message}`, { zone: [(err as Error).message] });
  }
}

/** Lets the editor `userName` see and edit `zoneName`. Granting twice is not an error. */
export async function grantZone(userName: string, zoneName: string): Promise<{ user: string; zone: string }> {
  const zone = zoneNameOf(zoneName);
  return writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, userName);
    if (u.role !== 'editor') {
      const message = `${u.name} is ${u.role === 'admin' ? 'an admin' : 'a viewer'} and already ${u.role === 'admin' ? 'manages' : 'reads'} every zone; grants apply to editors.`;
      throw new AppError('invalid', message, { zone: [message] });
    }
    const z = await tx.zone.findUnique({ where: { name: zone }, select: { id: true } });
    if (!z) throw new AppError('not-found', `There is no zone ${zone}.`, { zone: [`There is no zone ${zone}`] });
    await tx.zoneGrant.upsert({
      where: { userId_zoneId: { userId: u.id, zoneId: z.id } },
      create: { userId: u.id, zoneId: z.id },
      update: {},
    });
    return { user: u.name, zone };
  });
}

/** Takes a zone away from an editor; they lose access at their next request. */
export async function revokeZone(userName: string, zoneName: string): Promise<{ user: string; zone: string }> {
  const zone = zoneNameOf(zoneName);
  return writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, userName);
    const z = await tx.zone.findUnique({ where: { name: zone }, select: { id: true } });
    const { count } = z ? await tx.zoneGrant.deleteMany({ where: { userId: u.id, zoneId: z.id } }) : { count: 0 };
    if (count === 0) throw new AppError('not-found', `${u.name} has no grant on ${zone}.`, { zone: ['not granted'] });
    return { user: u.name, zone };
  });
}

/**
 * Up to `limit` zone names containing `query` that `userName` is not granted
 * yet, for the grant form's suggestions: filtered and capped in the query, so
 * it stays quick with thousands of zones.
 */
export async function suggestZonesToGrant(userName: string, query: string, limit = 20): Promise<string[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const u = await db().user.findUnique({ where: { name: normalizeUserName(userName) }, select: { id: true } });
  const rows = await db().zone.findMany({
    where: { name: { contains: q }, ...(u ? { grants: { none: { userId: u.id } } } : {}) },
    orderBy: { name: 'asc' },
    take: limit,
    select: { name: true },
  });
  return rows.map((r) => r.name);
}
