import type { ZoneKind } from '@/lib/zones/data';

/** A zone's kind, and beside it a second badge when the zone is a catalog (RFC 9432). */
export function KindBadge({ kind, catalogRole }: { kind: ZoneKind; catalogRole?: string | null }) {
  const tone = kind === 'primary' ? 'bg-blue-50 text-blue-800 ring-blue-200' : 'bg-amber-50 text-amber-800 ring-amber-200';
  const badge = 'inline-block rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset';
  return (
    <span className="inline-flex gap-1">
      <span className={`${badge} ${tone}`}>{kind}</span>
      {catalogRole && (
        <span
          className={`${badge} bg-violet-50 text-violet-800 ring-violet-200`}
          title={
            catalogRole === 'producer'
              ? 'System zone: lists the zones that name it as their catalog; read-only'
              : 'Catalog followed from its primary: the zones it lists are created and deleted here by themselves'
          }
        >
          catalog
        </span>
      )}
    </span>
  );
}
