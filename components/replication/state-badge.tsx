import type { ZoneReplicaState } from '@/lib/replication/data';

const TONES: Record<ZoneReplicaState, string> = {
  'in sync': 'bg-green-50 text-green-800 ring-green-200',
  propagating: 'bg-sky-50 text-sky-800 ring-sky-200',
  behind: 'bg-amber-50 text-amber-900 ring-amber-300',
  unreachable: 'bg-red-50 text-red-800 ring-red-200',
  missing: 'bg-red-100 text-red-900 ring-red-300',
  'no secondaries': 'bg-zinc-50 text-zinc-600 ring-zinc-200',
};

/** A replication state as a coloured label; the text carries the meaning, the colour only helps. */
export function ReplicaStateBadge({ state }: { state: ZoneReplicaState }) {
  return (
    <span data-testid="replica-state" className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[state]}`}>
      {state}
    </span>
  );
}
