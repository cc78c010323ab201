// A user's open sessions: where and when each signed in, when it was last
// used, when it ends. Rendered on the server from lib/auth/session-store.
import type { SessionInfo } from '@/lib/auth/session-store';
import { RelativeTime } from '../relative-time';

/** A short name for a browser from its User-Agent, enough to tell sessions apart. */
function browserName(userAgent: string): string {
  const known: [RegExp, string][] = [
    [/Edg\//, 'Edge'],
    [/Firefox\//, 'Firefox'],
    [/Chrom(e|ium)\//, 'Chrome or Chromium'],
    [/Safari\//, 'Safari'],
    [/curl\//, 'curl'],
  ];
  const hit = known.find(([re]) => re.test(userAgent));
  return hit ? hit[1] : userAgent ? userAgent.slice(0, 40) : 'unknown browser';
}

export function SessionList({ sessions, currentId, now }: { sessions: SessionInfo[]; currentId?: string; now: Date }) {
  if (sessions.length === 0) return <p className="text-sm text-zinc-600">No open sessions.</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Open sessions</caption>
      <thead className="text-xs uppercase tracking-wide text-zinc-500">
        <tr>
          <th className="py-1 pr-3 font-medium">Browser</th>
          <th className="py-1 pr-3 font-medium">From</th>
          <th className="py-1 pr-3 font-medium">Signed in</th>
          <th className="py-1 pr-3 font-medium">Last used</th>
          <th className="py-1 font-medium">Ends at the latest</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {sessions.map((s) => (
          <tr key={s.id}>
            <td className="py-1.5 pr-3">
              {browserName(s.userAgent)}
              {s.id === currentId && <span className="ml-2 rounded bg-blue-100 px-1.5 py-0.5 text-xs font-medium text-blue-800">this browser</span>}
            </td>
            <td className="py-1.5 pr-3 font-mono text-xs">{s.address || '—'}</td>
            <td className="py-1.5 pr-3">
              <RelativeTime date={s.createdAt} now={now} />
            </td>
            <td className="py-1.5 pr-3">
              <RelativeTime date={s.lastSeenAt} now={now} />
            </td>
            <td className="py-1.5">
              <RelativeTime date={s.expiresAt} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
