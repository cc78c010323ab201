// Users: creation, login check, the first admin created at start-up, and
// the user management of /settings/users and `zonekeeper user …` (role,
// disable, password reset, per-zone grants for editors).
//
// Users come from two sources. Local users sign in with the password stored
// here. Directory users (source 'ldap') sign in against LDAP (./ldap.ts): a
// name that is no local user is looked up there when ZK_LDAP_URL is set, and
// each sign-in writes the role and zone grants the directory's groups give,
// so here their role, grants and password cannot be changed; an admin can
// only disable them (which the directory cannot undo) or end their sessions.
import type { Prisma } from '../generated/prisma/client';
import { isUniqueViolation } from '../db-errors';
import { db, writeTransaction } from '../db';
import { adminPassword } from '../config/env';
import { ldapSettings } from '../config/ldap';
import { absoluteName } from '../dns/names';
import { AppError } from '../errors';
import { generatePassword, hashPassword, verifyPassword } from './password';
import { isRole, type Role, type SessionUser } from './permission';
import { MIN_PASSWORD_LENGTH } from './schema';
import type { GrantLevel } from './zone-access';
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

/**
 * The user if name and password match an enabled account; null otherwise,
 * without saying which part was wrong. A local user is checked here; any
 * other name, when a directory is configured, against the directory (which
 * may throw DirectoryUnreachable or NoDirectoryRole, lib/auth/ldap.ts).
 */
export async function verifyLogin(name: string, password: string): Promise<SessionUser | null> {
  const n = normalizeUserName(name);
  const u = await db().user.findUnique({ where: { name: n } });
  const directory = u === null || u.source === 'ldap' ? ldapSettings() : null;
  if (directory) return directoryLogin(directory, n, password);
  // Compare against a throwaway hash when the user is unknown so timing does not tell.
  dummyHash ??= hashPassword(generatePassword());
  const ok = await verifyPassword(password, u?.passwordHash ?? (await dummyHash));
  // A directory user never signs in with a local password, even with the directory no longer configured.
  if (!u || !ok || u.disabled || u.source !== 'local' || !isRole(u.role)) return null;
  return { id: u.id, name: u.name, role: u.role };
}

/** Names a directory user may have here: the local rule, plus `@` (a filter on mail). */
const DIRECTORY_USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/**
 * Signs `name` in against the directory. On success the user is created or
 * updated with the directory's role and their grants replaced by its zone
 * groups' (only zones that exist now: a zone created later is granted at
 * their next sign-in). When the directory no longer knows them or gives them
 * no role, their sessions here end and their grants go.
 */
async function directoryLogin(settings: NonNullable<ReturnType<typeof ldapSettings>>, name: string, password: string): Promise<SessionUser | null> {
  if (!DIRECTORY_USERNAME.test(name)) return null;
  const { checkDirectoryLogin, NoDirectoryRole } = await import('./ldap');
  let result: Awaited<ReturnType<typeof checkDirectoryLogin>>;
  try {
    result = await checkDirectoryLogin(settings, name, password);
  } catch (err) {
    if (err instanceof NoDirectoryRole) await dropDirectoryAccess(name);
    throw err;
  }
  if (result === 'no-entry') await dropDirectoryAccess(name);
  if (typeof result === 'string') return null;
  return syncDirectoryUser(name, result);
}

/** Writes what the directory grants `name` (source 'ldap'); null when an admin disabled the user here. */
export async function syncDirectoryUser(name: string, access: { dn: string; role: Role; zones: Map<string, GrantLevel> }): Promise<SessionUser | null> {
  return writeTransaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { name } });
    // A local user of that name was created meanwhile: the local account wins, as at sign-in.
    if (existing && existing.source !== 'ldap') return null;
    const u = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { role: access.role, dn: access.dn } })
      : await tx.user.create({ data: { name, passwordHash: '', role: access.role, source: 'ldap', dn: access.dn } });
    await tx.zoneGrant.deleteMany({ where: { userId: u.id } });
    const zones = await tx.zone.findMany({ where: { name: { in: [...access.zones.keys()] } }, select: { id: true, name: true } });
    if (zones.length) await tx.zoneGrant.createMany({ data: zones.map((z) => ({ userId: u.id, zoneId: z.id, level: access.zones.get(z.name)! })) });
    if (u.disabled) return null;
    return { id: u.id, name: u.name, role: access.role };
  });
}

/** A directory user the directory refused (gone, or in no role group): no session or grant of theirs outlives it. */
async function dropDirectoryAccess(name: string): Promise<void> {
  await writeTransaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { name }, select: { id: true, source: true } });
    if (!u || u.source !== 'ldap') return;
    await tx.zoneGrant.deleteMany({ where: { userId: u.id } });
    await endUserSessions(u.id, { tx });
  });
}

export async function getActiveUser(id: number): Promise<SessionUser | null> {
  const u = await db().user.findUnique({ where: { id } });
  if (!u || u.disabled || !isRole(u.role)) return null;
  return { id: u.id, name: u.name, role: u.role };
}

/** The enabled user of that name (any case), or null: whom `zonekeeper request … --as USER` acts as. */
export async function getActiveUserByName(name: string): Promise<SessionUser | null> {
  const u = await db().user.findUnique({ where: { name: normalizeUserName(name) }, select: { id: true } });
  return u ? getActiveUser(u.id) : null;
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

/** Where a user signs in: here (local) or against the LDAP directory (ldap), which then owns their role and grants. */
export type UserSource = 'local' | 'ldap';

/** A row of the user list. */
export interface UserSummary {
  id: number;
  name: string;
  role: Role;
  source: UserSource;
  disabled: boolean;
  createdAt: Date;
  /** Zones granted (only editors are limited by them). */
  grantCount: number;
  /** The first few granted zone names, for the list. */
  someGrants: string[];
}

export interface UserDetail extends Omit<UserSummary, 'someGrants'> {
  /** By zone name; `level` is what the grant lets the editor do (lib/auth/zone-access.ts). */
  grants: { zone: string; level: GrantLevel }[];
  /** The directory entry a directory user last signed in as. */
  dn: string | null;
}

/** Who is acting: an admin in the web app (guard rails apply to themselves), or null for the CLI. */
export type UserActor = { id: number } | null;

/** User names are kept lowercase: how a typed name is looked up. */
export function normalizeUserName(name: string): string {
  return name.trim().toLowerCase();
}

function sourceOf(value: string): UserSource {
  return value === 'ldap' ? 'ldap' : 'local';
}

/**
 * Refuses to change what the directory owns for one of its users: their
 * role, zone grants and password follow the directory at each sign-in.
 */
function refuseDirectoryOwned(u: { name: string; source: string }, what: 'role' | 'zone' | 'password'): void {
  if (u.source !== 'ldap') return;
  const said = {
    role: `${u.name} signs in through the LDAP directory, which sets their role at each sign-in (ZK_LDAP_ROLE_GROUPS); change their groups in the directory.`,
    zone: `${u.name} signs in through the LDAP directory, which sets their zones at each sign-in (ZK_LDAP_ZONE_GROUPS); change their groups in the directory.`,
    password: `${u.name} signs in through the LDAP directory with the directory's password; change it there.`,
  }[what];
  throw new AppError('forbidden', said, { [what]: [said] });
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
    source: sourceOf(u.source),
    disabled: u.disabled,
    createdAt: u.createdAt,
    grantCount: u._count.grants,
    someGrants: u.grants.map((g) => g.zone.name),
  }));
}

export async function getUserDetail(name: string): Promise<UserDetail | null> {
  const u = await db().user.findUnique({
    where: { name: normalizeUserName(name) },
    include: { grants: { orderBy: { zone: { name: 'asc' } }, select: { level: true, zone: { select: { name: true } } } } },
  });
  if (!u) return null;
  return {
    id: u.id,
    name: u.name,
    role: roleOf(u.role),
    source: sourceOf(u.source),
    disabled: u.disabled,
    createdAt: u.createdAt,
    grantCount: u.grants.length,
    grants: u.grants.map((g) => ({ zone: g.zone.name, level: g.level === 'request' ? 'request' : 'edit' })),
    dn: u.dn,
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
    refuseDirectoryOwned(u, 'role');
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
    refuseDirectoryOwned(u, 'password');
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
  if (u) refuseDirectoryOwned(u, 'password');
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

/**
 * Lets the editor `userName` see `zoneName` and edit it (`edit`) or only
 * request changes to it (`request`). Granting again sets the level.
 */
export async function grantZone(userName: string, zoneName: string, level: GrantLevel = 'edit'): Promise<{ user: string; zone: string; level: GrantLevel }> {
  const zone = zoneNameOf(zoneName);
  return writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, userName);
    refuseDirectoryOwned(u, 'zone');
    if (u.role !== 'editor') {
      const message = `${u.name} is ${u.role === 'admin' ? 'an admin' : 'a viewer'} and already ${u.role === 'admin' ? 'manages' : 'reads'} every zone; grants apply to editors.`;
      throw new AppError('invalid', message, { zone: [message] });
    }
    const z = await tx.zone.findUnique({ where: { name: zone }, select: { id: true } });
    if (!z) throw new AppError('not-found', `There is no zone ${zone}.`, { zone: [`There is no zone ${zone}`] });
    await tx.zoneGrant.upsert({
      where: { userId_zoneId: { userId: u.id, zoneId: z.id } },
      create: { userId: u.id, zoneId: z.id, level },
      update: { level },
    });
    return { user: u.name, zone, level };
  });
}

/** Takes a zone away from an editor; they lose access at their next request. */
export async function revokeZone(userName: string, zoneName: string): Promise<{ user: string; zone: string }> {
  const zone = zoneNameOf(zoneName);
  return writeTransaction(async (tx) => {
    const u = await findUserOrThrow(tx, userName);
    refuseDirectoryOwned(u, 'zone');
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
