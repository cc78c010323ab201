import type { RequestState } from '@/lib/requests/schema';

const STYLE: Record<RequestState, string> = {
  open: 'bg-amber-100 text-amber-900',
  approved: 'bg-green-100 text-green-900',
  rejected: 'bg-red-100 text-red-900',
  withdrawn: 'bg-zinc-200 text-zinc-700',
};

/** A change request's state as a small label. */
export function RequestStateBadge({ state }: { state: RequestState }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STYLE[state]}`} data-testid="request-state">
      {state}
    </span>
  );
}
