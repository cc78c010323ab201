import type { SecondaryDiagnosis } from '@/lib/replication/doctor';

/** The doctor's word on one secondary that needs attention: why, the facts, and what to change. */
export function DoctorNote({ d }: { d: SecondaryDiagnosis }) {
  return (
    <div data-testid="doctor-note" data-cause={d.cause} className="space-y-1 whitespace-normal [overflow-wrap:anywhere] rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-zinc-800">
      <p>
        <span className="font-semibold">Doctor: </span>
        <span className="font-mono text-amber-900">{d.cause}</span> — {d.summary}
      </p>
      {d.evidence.length > 0 && (
        <ul className="list-disc pl-5 text-zinc-700" aria-label="Evidence">
          {d.evidence.map((f, i) => (
            <li key={i}>
              {f.at && <time dateTime={f.at.toISOString()} className="font-mono text-zinc-500">{f.at.toISOString().replace(/\.\d{3}Z$/, 'Z')} </time>}
              {f.text}
            </li>
          ))}
        </ul>
      )}
      {d.fix.length > 0 && (
        <div>
          <p className="font-semibold">What to change</p>
          <ol className="list-decimal pl-5" aria-label="Fix">
            {d.fix.map((f, i) => (
              <li key={i}>{f}</li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
