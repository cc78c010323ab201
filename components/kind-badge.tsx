import type { ZoneKind } from '@/lib/zones/data';

export function KindBadge({ kind }: { kind: ZoneKind }) {
  const tone = kind === 'primary' ? 'bg-blue-50 text-blue-800 ring-blue-200' : 'bg-amber-50 text-amber-800 ring-amber-200';
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}>{kind}</span>;
}
