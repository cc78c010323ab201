import Link from 'next/link';
import type { UserSummary } from '@/lib/auth/users';
import { linkClass, tableBox } from '../styles';
import { displayName } from '@/lib/dns/names';

function zonesCell(u: UserSummary): string {
  if (u.role === 'admin') return 'all (manage)';
  if (u.role === 'viewer') return 'all (read only)';
  if (u.grantCount === 0) return 'none';
  const shown = u.someGrants.map(displayName).join(', ');
  return u.grantCount > u.someGrants.length ? `${shown} and ${u.grantCount - u.someGrants.length} more` : shown;
}

/** Marks a user who signs in through the LDAP directory, which sets their role and zones. */
export function DirectoryMark() {
  return (
    <span title="Signs in through the LDAP directory, which sets the role and zones" className="ml-2 rounded bg-sky-100 px-1.5 py-0.5 font-sans text-xs font-medium text-sky-800">
      directory
    </span>
  );
}

/** The user list: name (links to the user's page), role, whether disabled, and the zones they reach. */
export function UserTable({ users, me }: { users: UserSummary[]; me: number }) {
  return (
    <div className={tableBox}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Users</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Name
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Role
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Status
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Zones
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {users.map((u) => (
            <tr key={u.id} className={u.disabled ? 'text-zinc-500' : undefined}>
              <td className="px-3 py-2 font-mono">
                <Link href={`/settings/users/${encodeURIComponent(u.name)}`} className={linkClass}>
                  {u.name}
                </Link>
                {u.source === 'ldap' && <DirectoryMark />}
                {u.id === me && <span className="ml-2 font-sans text-xs text-zinc-500">(you)</span>}
              </td>
              <td className="px-3 py-2">{u.role}</td>
              <td className="px-3 py-2">{u.disabled ? <span className="font-medium text-red-700">disabled</span> : 'enabled'}</td>
              <td className="px-3 py-2 text-zinc-700">{zonesCell(u)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
