'use client';
import Link from 'next/link';
import { buttonPrimary, buttonSecondary } from './styles';

/**
 * What an error boundary shows: a plain message, a retry, and the digest
 * that matches the server log line. The error's own message stays on the
 * server (Next replaces it in production anyway).
 */
export function ErrorPanel({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : null;
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-md border border-zinc-200 bg-white p-6 shadow-sm">
      <h1 className="text-base font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-zinc-600">
        This page could not be shown because of an error on the server. Try again; if it keeps failing, the server
        log has the details{digest ? ' under the reference below' : ''}.
      </p>
      {digest && (
        <p className="mt-2 text-xs text-zinc-500">
          Reference: <code className="font-mono">{digest}</code>
        </p>
      )}
      <div className="mt-4 flex gap-3">
        <button type="button" onClick={() => retry()} className={buttonPrimary}>
          Try again
        </button>
        <Link href="/zones" className={buttonSecondary}>
          Go to zones
        </Link>
      </div>
    </div>
  );
}
