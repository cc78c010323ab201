import type { Metadata } from 'next';
import { CreateUserForm } from '@/components/settings/create-user-form';
import { UserTable } from '@/components/settings/user-table';
import { requireUser } from '@/lib/auth/session';
import { listUsers } from '@/lib/auth/users';

export const metadata: Metadata = { title: 'Users · Settings' };

export default async function UsersPage() {
  const me = await requireUser('user:manage', { returnTo: '/settings/users' });
  const users = await listUsers();
  return (
    <div className="space-y-6">
      <section aria-labelledby="users-heading" className="space-y-3">
        <h2 id="users-heading" className="text-base font-semibold">
          Users
        </h2>
        <UserTable users={users} me={me.id} />
      </section>
      <section aria-labelledby="new-user-heading" className="max-w-2xl space-y-3">
        <h2 id="new-user-heading" className="text-base font-semibold">
          New user
        </h2>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <CreateUserForm />
        </div>
      </section>
    </div>
  );
}
