import { redirect } from 'next/navigation';
import { requireUser } from '@/lib/auth/session';

export default async function SettingsPage() {
  await requireUser('user:manage', { returnTo: '/settings' });
  redirect('/settings/users');
}
