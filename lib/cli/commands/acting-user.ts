// `--as USER`: a command run in a user's name, with their rights, instead of
// as the local operator (who has an admin's). Shared by the commands that
// take it (request, replication doctor).
import { AppError } from '../../errors';

/** That enabled user; without a name, the local operator (null). */
export async function actingUser(name: string | undefined) {
  if (name === undefined) return null;
  const { getActiveUserByName } = await import('../../auth/users');
  const user = await getActiveUserByName(name);
  if (!user) throw new AppError('not-found', `There is no enabled user ${name.toLowerCase()}. See: zonekeeper user list`);
  return user;
}

export type ActingUser = Awaited<ReturnType<typeof actingUser>>;
