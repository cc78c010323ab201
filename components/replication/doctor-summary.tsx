import Link from 'next/link';
import type { countCauses } from '@/lib/replication/doctor';
import { displayName } from '@/lib/dns/names';
import { zoneHref } from '@/lib/zones/zone-urls';
import { linkClass } from '../styles';

/** Zones linked per cause; more than this are counted, not listed. */
const LINKS = 8;

/** The dashboard's doctor summary: per cause, how many secondaries and which zones (each linking to its diagnosis). */
export function DoctorSummary({ causes, partial }: { causes: ReturnType<typeof countCauses>; /** Set when only the first this many zones with a problem were read. */ partial: number | null }) {
  if (causes.length === 0) return null;
  return (
    <section aria-labelledby="doctor-heading" data-testid="doctor-summary" className="space-y-1 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm">
      <h2 id="doctor-heading" className="font-semibold">
        Replication doctor
      </h2>
      <ul className="space-y-0.5">
        {causes.map((c) => (
          <li key={c.cause} data-testid={`doctor-cause-${c.cause}`}>
            <span className="font-mono">{c.cause}</span>: {c.secondaries} {c.secondaries === 1 ? 'secondary' : 'secondaries'} in{' '}
            {c.zones.slice(0, LINKS).map((z, i) => (
              <span key={z}>
                {i > 0 && ', '}
                <Link href={zoneHref(displayName(z), 'replication')} className={linkClass}>
                  {displayName(z)}
                </Link>
              </span>
            ))}
            {c.zones.length > LINKS && ` and ${c.zones.length - LINKS} more`}
          </li>
        ))}
      </ul>
      {partial !== null && <p className="text-xs text-zinc-600">Of the first {partial} zones with a problem, worst first.</p>}
      <p className="text-xs text-zinc-600">Each zone&apos;s replication page says why and what to change; so does zonekeeper replication doctor.</p>
    </section>
  );
}
