'use client';
import { ErrorPanel } from '@/components/error-panel';

export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="px-4 py-16">
      <ErrorPanel error={error} retry={retry} />
    </main>
  );
}
