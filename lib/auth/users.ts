// Users: creation, login check, and the first admin created at start-up.
import { Prisma } from '../generated/prisma/client';
import { db } from '../db';
import { ZoneError } from '../zones/errors';
import { generatePassword, hashPassword, verifyPassword } from './password';
import { isRole, type Role } from './permission';

export interface SessionUser {
  id: number;
  name: string;
  role: Role;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const MIN_PASSWORD_LENGTH = 8;
let dummyHash: Promise<string> | undefined;

export async function createUser(name: string, password: string, role: string): Promise<SessionUser> {
  const n = name.trim().toLowerCase();
  if (!USERNAME.test(n)) {
    throw new ZoneError('invalid', `"${name}" is not a valid user name: use letters, digits, dot, dash or underscore (up to 63)`, {
      name: ['letters, digits, dot, dash or underscore'],
    });
  }
  if (!isRole(role)) throw new ZoneError('invalid', `role must be admin, editor or viewer, not "${role}"`, { role: ['admin, editor or viewer'] });
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ZoneError('invalid', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      password: [`at least ${MIN_PASSWORD_LENGTH} characters`],
    });
  }
  try {
    const u = await db().user.create({ data: { name: n, passwordHash: await hashPassword(password), role } });
    return { id: u.id, name: u.name, role };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      throw new ZoneError('exists', `a user named ${n} already exists`, { name: ['already taken'] });
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
export async function ensureFirstAdmin(envPassword = process.env.ZK_ADMIN_PASSWORD): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await db().user.count()) > 0) return { created: false, generatedPassword: null };
  const password = envPassword && envPassword.length > 0 ? envPassword : generatePassword();
  await createUser('admin', password, 'admin');
  return { created: true, generatedPassword: envPassword ? null : password };
}
