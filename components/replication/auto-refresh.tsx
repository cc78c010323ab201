'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

/**
 * Re-renders the page's server components every few seconds (no page reload,
 * no lost scroll or focus), so a dashboard follows the worker's probes live.
 * Paused while the tab is hidden.
 */
export function AutoRefresh({ everyMs = 3000 }: { everyMs?: number }) {
  const router = useRouter();
  const [at, setAt] = useState<Date | null>(null);
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible') {
        router.refresh();
        setAt(new Date());
      }
    };
    const id = setInterval(tick, everyMs);
    return () => clearInterval(id);
  }, [router, everyMs]);
  return (
    <p className="text-xs text-zinc-500" aria-live="off">
      Updates every {Math.round(everyMs / 1000)} s{at ? `; last at ${at.toLocaleTimeString()}` : ''}.
    </p>
  );
}
