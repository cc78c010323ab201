// `zonekeeper user …`: users, roles, zone grants, passwords and sessions,
// through the user store (lib/auth/users.ts), loaded when the command runs.
import { isRole } from '../../auth/permission';
import { parseArgs, UsageError } from '../args';
import { printTable, type CommandOutput } from '../output';

const userStore = () => import('../../auth/users');

export async function userCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const { grantZone, listUsers, resetPassword, revokeZone, setUserDisabled, signOutEverywhere } = await userStore();
  switch (sub) {
    case 'add':
      return userAddCommand(rest, io);
    case 'list': {
      if (rest.length) throw new UsageError('user list takes no arguments');
      const users = await listUsers();
      const rows = users.map((u) => {
        const zones = u.role === 'editor' ? (u.grantCount ? `${u.grantCount}${u.someGrants.length ? ` (${u.someGrants.join(', ')}${u.grantCount > u.someGrants.length ? ', …' : ''})` : ''}` : 'none') : 'all';
        // ldap: the directory sets the role and zones at each sign-in.
        return [u.name, u.role, u.disabled ? 'disabled' : 'enabled', u.source, zones];
      });
      printTable([['USER', 'ROLE', 'STATUS', 'SOURCE', 'ZONES'], ...rows], io.out);
      return;
    }
    case 'grant': {
      const p = parseArgs(rest, [], ['request']);
      const [user, zone, extra] = p.positionals;
      if (!user || !zone || extra !== undefined) throw new UsageError('user grant needs USER ZONE [--request]');
      const r = await grantZone(user, zone, p.flags.has('request') ? 'request' : 'edit');
      io.out(`Granted ${r.zone} to ${r.user}${r.level === 'request' ? ' (request changes only: an editor of the zone approves them)' : ''}.`);
      return;
    }
    case 'revoke': {
      const [user, zone, extra] = rest;
      if (!user || !zone || extra !== undefined) throw new UsageError('user revoke needs USER ZONE');
      const r = await revokeZone(user, zone);
      io.out(`Revoked ${r.zone} from ${r.user}.`);
      return;
    }
    case 'disable':
    case 'enable': {
      const [user, extra] = rest;
      if (!user || extra !== undefined) throw new UsageError(`user ${sub} needs USER`);
      // No acting user from a shell: only the last-enabled-admin rule applies.
      await setUserDisabled(user, sub === 'disable', null);
      io.out(sub === 'disable' ? `Disabled ${user.toLowerCase()}; their sessions have ended.` : `Enabled ${user.toLowerCase()}.`);
      return;
    }
    case 'password': {
      const [user, extra] = rest;
      if (!user || extra !== undefined) throw new UsageError('user password needs USER (the new password on stdin; empty to generate one)');
      const given = (await readStdin()).replace(/\r?\n$/, '');
      const password = await resetPassword(user, given || undefined);
      io.out(given ? `Changed the password of ${user.toLowerCase()}; their sessions have ended.` : `New password for ${user.toLowerCase()} (shown once): ${password}\nTheir sessions have ended.`);
      return;
    }
    case 'signout': {
      const [user, extra] = rest;
      if (!user || extra !== undefined) throw new UsageError('user signout needs USER');
      const n = await signOutEverywhere(user);
      io.out(`Ended ${n} session${n === 1 ? '' : 's'} of ${user.toLowerCase()}.`);
      return;
    }
    default:
      throw new UsageError(`unknown user command "${sub ?? ''}"`);
  }
}

async function userAddCommand(rest: string[], io: CommandOutput): Promise<void> {
  const p = parseArgs(rest, ['role'], []);
  const name = p.positionals[0];
  const role = p.options.get('role')?.[0];
  if (!name || !role) throw new UsageError('user add needs NAME --role admin|editor|viewer');
  if (!isRole(role)) throw new UsageError(`--role must be admin, editor or viewer, not "${role}"`);
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('give the password on stdin, e.g.: printf %s "$PASSWORD" | zonekeeper user add NAME --role editor');
  const u = await (await userStore()).createUser(name, password, role);
  io.out(`Created user ${u.name} (${u.role}).`);
}

/** The process's own stdin (a password): why `user` commands always run in the CLI's process (lib/cli/via-worker.ts). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('Password: ');
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
