import Link from 'next/link';
import { linkClass } from './styles';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

/** "Zones / example.com / History": where a zone's page sits; the last part is not a link. */
export function ZoneBreadcrumb({ zone, here }: { zone: string; here?: string }) {
  const shown = displayName(zone);
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
      <Link href="/zones" className={linkClass}>
        Zones
      </Link>{' '}
      /{' '}
      {here ? (
        <>
          <Link href={zoneHref(zone)} className={`${linkClass} break-all font-mono`}>
            {shown}
          </Link>{' '}
          / {here}
        </>
      ) : (
        <span className="break-all font-mono">{shown}</span>
      )}
    </nav>
  );
}
