'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/settings/users', label: 'Users' },
  { href: '/settings/zone-defaults', label: 'Zone defaults' },
  { href: '/settings/approval', label: 'Approval' },
  { href: '/settings/tsig', label: 'TSIG keys' },
  { href: '/settings/api-keys', label: 'API keys' },
  { href: '/settings/autoprimaries', label: 'Autoprimaries' },
  { href: '/settings/webhooks', label: 'Webhooks' },
  { href: '/settings/deleted-zones', label: 'Deleted zones' },
] as const;

/** The settings sections as tabs; each is its own URL, so it can be linked and reloaded. */
export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex flex-wrap gap-1 border-b border-zinc-200">
      {TABS.map((t) => {
        const current = pathname === t.href || pathname.startsWith(`${t.href}/`);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={current ? 'page' : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-blue-700 ${
              current ? 'border-blue-700 text-blue-800' : 'border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900'
            }`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
