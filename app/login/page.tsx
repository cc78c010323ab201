import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/login-form';
import { safeReturnPath } from '@/lib/auth/return-path';
import { getSessionUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const returnTo = safeReturnPath(Array.isArray(next) ? next[0] : next) ?? undefined;
  if (await getSessionUser()) redirect(returnTo ?? '/zones');

  return (
    <main className="flex min-h-screen items-start justify-center px-4 pt-[15vh]">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded bg-blue-600 text-sm font-bold text-white">
            Z
          </span>
          <span className="text-lg font-semibold tracking-tight">Zonekeeper</span>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-base font-semibold">Sign in</h1>
          <LoginForm next={returnTo} />
        </div>
      </div>
    </main>
  );
}
