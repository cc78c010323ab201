import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonSecondary } from './styles';

/** A short page for 404 and 403: a status, what happened, and the way back to the zones. */
export function StatusPage({ status, title, children }: { status: string; title: string; children: ReactNode }) {
  return (
    <div className="mx-auto max-w-lg rounded-md border border-zinc-200 bg-white p-6 shadow-sm">
      <p className="font-mono text-xs font-semibold text-zinc-500">{status}</p>
      <h1 className="mt-1 text-base font-semibold">{title}</h1>
      <div className="mt-2 text-sm text-zinc-600">{children}</div>
      <div className="mt-4">
        <Link href="/zones" className={buttonSecondary}>
          Back to zones
        </Link>
      </div>
    </div>
  );
}

/** The 403 page, inside the app's frame (app/(app)/forbidden.tsx) or without it (app/forbidden.tsx). */
export function NotAllowed() {
  return (
    <StatusPage status="403" title="Not allowed">
      Your role does not allow this. Ask an admin if you need it.
    </StatusPage>
  );
}
