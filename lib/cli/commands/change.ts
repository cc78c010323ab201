// How a CLI command changes a zone: as the local operator, with an admin's
// rights (lib/zones/actor.ts), printing what the commit did.
import type { Actor } from '../../zones/actor';
import type { CommitResult } from '../../zones/changes';
import type { CommandOutput } from '../output';

export const ACTOR: Actor = { name: 'cli' };

export function printCommit(r: CommitResult, io: CommandOutput): void {
  for (const w of r.warnings ?? []) io.out(w);
  if (!r.changed) {
    io.out(`${r.zone}: nothing changed (serial stays ${r.oldSerial})`);
    return;
  }
  io.out(`${r.zone}: serial ${r.oldSerial} → ${r.newSerial} (+${r.added.length} −${r.removed.length} records)`);
  if (r.notifyTargets.length) io.out(`NOTIFY queued for ${r.notifyTargets.join(', ')}`);
}
