import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { InlineActionForm } from '@/components/settings/inline-action-form';
import { GrantZoneForm, ResetPasswordForm, RoleForm } from '@/components/settings/user-forms';
import { DirectoryMark } from '@/components/settings/user-table';
import { linkClass } from '@/components/styles';
import { SessionList } from '@/components/account/session-list';
import { revokeZoneAction, setUserDisabledAction, signOutUserAction } from '@/lib/auth/actions';
import { requireUser } from '@/lib/auth/session';
import { listUserSessions } from '@/lib/auth/session-store';
import { getUserDetail } from '@/lib/auth/users';
import { decodeParam } from '@/components/list-params';
import { displayName } from '@/lib/dns/names';
import { activityHref } from '@/components/activity/activity-urls';

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `${decodeParam(name) ?? 'User'} · Settings` };
}

export default async function UserPage({ params }: { params: Params }) {
  const { name: raw } = await params;
  const name = decodeParam(raw);
  if (name === null) notFound();
  const me = await requireUser('user:manage', { returnTo: `/settings/users/${encodeURIComponent(name)}` });
  const user = await getUserDetail(name);
  if (!user) notFound();
  const self = user.id === me.id;
  // The directory sets a directory user's role and zones at each sign-in, and holds their password.
  const directory = user.source === 'ldap';
  const sessions = await listUserSessions(user.id);

  return (
    <div className="max-w-3xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/settings/users" className={linkClass}>
          Users
        </Link>{' '}
        / <span className="font-mono">{user.name}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-mono text-base font-semibold">{user.name}</h2>
        <span className="rounded bg-zinc-200 px-1.5 py-0.5 text-xs uppercase tracking-wide text-zinc-700">{user.role}</span>
        {directory && <DirectoryMark />}
        {user.disabled && <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">disabled</span>}
        {self && <span className="text-xs text-zinc-500">(you)</span>}
        <Link href={activityHref({ user: user.name })} className={`${linkClass} text-sm`}>
          Activity
        </Link>
      </div>

      {directory && (
        <p className="text-sm text-zinc-600">
          Signs in through the LDAP directory{user.dn && <> as <span className="font-mono">{user.dn}</span></>}. The directory&apos;s groups
          set the role and zones at each sign-in, so they are not changed here; a user removed from the directory or its role groups is
          refused at their next sign-in. Disabling the account here keeps them out whatever the directory says.
        </p>
      )}

      {!directory && (
        <section className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <RoleForm name={user.name} role={user.role} self={self} />
        </section>
      )}

      <section aria-labelledby="access-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <h3 id="access-heading" className="text-sm font-semibold">
          Zone access
        </h3>
        {user.role === 'editor' ? (
          <>
            {user.grants.length === 0 ? (
              <p className="text-sm text-zinc-600">No zones granted yet: this editor sees no zones.</p>
            ) : (
              <ul aria-label="Granted zones" className="divide-y divide-zinc-100 rounded border border-zinc-200">
                {user.grants.map(({ zone: z, level }) => (
                  <li key={z} className="flex items-center justify-between gap-3 px-3 py-1.5 text-sm" data-testid="grant">
                    <span>
                      <span className="font-mono">{displayName(z)}</span>{' '}
                      <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700" data-testid="grant-level">
                        {level === 'request' ? 'request changes' : 'edit'}
                      </span>
                    </span>
                    {!directory && (
                      <InlineActionForm
                        action={revokeZoneAction}
                        fields={{ name: user.name, zone: z }}
                        label="Revoke"
                        accessibleName={`Revoke ${displayName(z)}`}
                      />
                    )}
                  </li>
                ))}
              </ul>
            )}
            {directory ? (
              <p className="text-xs text-zinc-500">From the directory&apos;s zone groups (ZK_LDAP_ZONE_GROUPS) at the last sign-in.</p>
            ) : (
              <GrantZoneForm name={user.name} />
            )}
          </>
        ) : (
          <p className="text-sm text-zinc-600">
            {user.role === 'admin' ? 'Admins manage every zone.' : 'Viewers read every zone and edit none.'} Per-zone grants
            apply to editors.
            {user.grantCount > 0 && ` ${user.grantCount} grant${user.grantCount === 1 ? ' is' : 's are'} kept in case the role goes back to editor.`}
          </p>
        )}
      </section>

      <section aria-labelledby="password-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <h3 id="password-heading" className="text-sm font-semibold">
          Password
        </h3>
        {directory ? (
          <p className="text-sm text-zinc-600">The password is the directory&apos;s; it is changed there.</p>
        ) : (
          <ResetPasswordForm name={user.name} />
        )}
      </section>

      <section aria-labelledby="sessions-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <h3 id="sessions-heading" className="text-sm font-semibold">
          Sessions
        </h3>
        <SessionList sessions={sessions} now={new Date()} />
        {sessions.length > 0 && (
          <InlineActionForm
            action={signOutUserAction}
            fields={{ name: user.name }}
            label={self ? 'Sign out everywhere (you too)' : 'Sign out everywhere'}
            accessibleName={`Sign ${user.name} out everywhere`}
          />
        )}
      </section>

      <section aria-labelledby="status-heading" className="space-y-2 rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <h3 id="status-heading" className="text-sm font-semibold">
          Account
        </h3>
        <p className="text-sm text-zinc-600">
          {user.disabled
            ? 'This account is disabled: it cannot sign in, and any open session stopped working.'
            : 'A disabled account cannot sign in, and its open sessions end at once (enabling it again brings none back).'}
        </p>
        {self ? (
          <p className="text-xs text-zinc-500">You cannot disable your own account.</p>
        ) : (
          <InlineActionForm
            action={setUserDisabledAction}
            fields={{ name: user.name, disabled: user.disabled ? 'false' : 'true' }}
            label={user.disabled ? 'Enable account' : 'Disable account'}
            danger={!user.disabled}
          />
        )}
      </section>
    </div>
  );
}
