// Answers of two servers put side by side in differential tests (NSD against
// us, with and without DO): each record as one comparable line, and the names
// an answer's MX, SRV and NS records point at (whose addresses NSD and we may
// add as additionals).
import { wireToContent } from '../dns/rdata';
import type { Message, WireRecord } from '../dns/wire';

function rdataText(rr: WireRecord): string {
  let text: string;
  try {
    text = wireToContent(rr.type, rr.data);
  } catch {
    text = JSON.stringify(rr.data, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('hex') : v));
  }
  // Names inside rdata may be compressed against the client's spelling; TXT is data.
  return rr.type === 'TXT' ? text : text.toLowerCase();
}

/** "owner ttl TYPE rdata", owner and names in rdata lower-cased. */
export const recordLine = (rr: WireRecord): string => `${rr.name.toLowerCase()} ${rr.ttl} ${rr.type} ${rdataText(rr)}`;

/** The lines of `rrs`, sorted: a section compared as a set. */
export const sortedLines = (rrs: readonly WireRecord[]): string[] => rrs.map(recordLine).sort();

/** Lower-cased names the answer section's MX, SRV and NS records point at. */
export function answerTargets(m: Message): Set<string> {
  const targets = new Set<string>();
  for (const rr of m.answers) {
    const d = rr.data as { exchange?: string; target?: string };
    if (rr.type === 'MX') targets.add(d.exchange!.toLowerCase());
    else if (rr.type === 'SRV') targets.add(d.target!.toLowerCase());
    else if (rr.type === 'NS') targets.add(String(rr.data).toLowerCase());
  }
  return targets;
}
