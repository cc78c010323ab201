'use client';
import { ErrorPanel } from '@/components/error-panel';

// Inside the app layout, so the header (and Log out) stays usable.
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="py-10">
      <ErrorPanel error={error} retry={retry} />
    </div>
  );
}
