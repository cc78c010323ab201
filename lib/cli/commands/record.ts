// `zonekeeper record add|delete`: one record change as one commit through the
// change service (lib/zones/changes.ts), loaded when the command runs.
import { parseTtl } from '../../dns/ttl';
import { UsageError } from '../args';
import type { CommandOutput } from '../output';
import { ACTOR, printCommit } from './change';

const zoneChanges = () => import('../../zones/changes');

/** `record add ZONE NAME TYPE TTL CONTENT…` / `record delete ZONE NAME TYPE [CONTENT…]`; `--comment` only before ZONE. */
export async function recordCommand(args: string[], io: CommandOutput): Promise<void> {
  let [sub, ...rest] = args;
  let comment = '';
  while (rest[0]?.startsWith('--comment')) {
    const [flag, inline] = rest[0].split(/=(.*)/s, 2);
    if (flag !== '--comment') break;
    comment = inline ?? rest[1] ?? '';
    rest = rest.slice(inline === undefined ? 2 : 1);
  }
  const { applyChangeset } = await zoneChanges();
  if (sub === 'add') {
    const [zone, name, type, ttl, ...content] = rest;
    if (!zone || !name || !type || !ttl || content.length === 0) throw new UsageError('record add needs ZONE NAME TYPE TTL CONTENT…');
    let ttlSeconds: number;
    try {
      ttlSeconds = parseTtl(ttl);
    } catch (err) {
      throw new UsageError(`TTL "${ttl}": ${(err as Error).message}`);
    }
    printCommit(await applyChangeset(zone, { add: [{ name, type, ttl: ttlSeconds, content: content.join(' ') }], comment }, ACTOR), io);
    return;
  }
  if (sub === 'delete') {
    const [zone, name, type, ...content] = rest;
    if (!zone || !name || !type) throw new UsageError('record delete needs ZONE NAME TYPE [CONTENT…]');
    printCommit(await applyChangeset(zone, { remove: [{ name, type, content: content.length ? content.join(' ') : undefined }], comment }, ACTOR), io);
    return;
  }
  throw new UsageError(`unknown record command "${sub ?? ''}"`);
}
