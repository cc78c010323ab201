// `zonekeeper tsig add|list|delete` (lib/zones/tsig-keys.ts).
import { createTsigKey, deleteTsigKey, listTsigKeys } from '../../zones/tsig-keys';
import { UsageError } from '../args';
import type { CommandOutput } from '../output';

export async function tsigCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') {
    const [name, algorithm, secret] = rest;
    if (!name || !algorithm) throw new UsageError('tsig add needs NAME ALGORITHM [SECRET]');
    const key = await createTsigKey(name, algorithm, secret);
    io.out(`Created TSIG key ${key.name} (${key.algorithm}).`);
    if (!secret) {
      io.out(`secret: ${key.secret}`);
      io.out('The secret is shown once. For BIND: key "' + key.name + '" { algorithm ' + key.algorithm + '; secret "' + key.secret + '"; };');
    }
    io.out(`Require it for a zone's transfers with: zonekeeper zone set ZONE --tsig ${key.name}`);
    return;
  }
  if (sub === 'list') {
    const keys = await listTsigKeys();
    if (keys.length === 0) io.out('No TSIG keys. Create one with: zonekeeper tsig add NAME hmac-sha256');
    for (const k of keys) io.out(`${k.name}  ${k.algorithm}  ${k.zones.length ? `zones: ${k.zones.join(', ')}` : 'unused'}`);
    return;
  }
  if (sub === 'delete') {
    if (!rest[0]) throw new UsageError('tsig delete needs NAME');
    await deleteTsigKey(rest[0]);
    io.out(`Deleted TSIG key ${rest[0]}.`);
    return;
  }
  throw new UsageError(`unknown tsig command "${sub ?? ''}"`);
}
