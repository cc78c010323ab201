// `zonekeeper catalog create|list`: catalog zones (RFC 9432). A zone joins a
// catalog with `zone create|set ZONE --catalog NAME [--group G]`; a catalog
// of another primary is followed with `zone create CAT --secondary --primary
// ADDR --catalog-consumer`.
import { listCatalogs } from '../../zones/catalog-data';
import { parseArgs, UsageError } from '../args';
import type { CommandOutput } from '../output';
import { ACTOR } from './change';

export async function catalogCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const p = parseArgs(rest, [], []);
  const name = p.positionals[0];
  if (sub === 'create') {
    if (!name) throw new UsageError('catalog create needs a NAME, like catalog.example.');
    const { createCatalog } = await import('../../zones/zone-lifecycle');
    const c = await createCatalog(name, ACTOR);
    io.out(`Created catalog ${c.name} with serial ${c.serial}; it lists no zone yet.`);
    io.out(`Add zones with: zonekeeper zone set ZONE --catalog ${c.name}`);
    io.out(`Tell its secondaries with: zonekeeper zone set ${c.name} --also-notify ADDR[:PORT] --allow-transfer CIDR [--tsig KEY]`);
    return;
  }
  if (sub === 'list') {
    const list = await listCatalogs();
    if (list.length === 0) {
      io.out('No catalogs. Create one with: zonekeeper catalog create catalog.example.');
      return;
    }
    const w = Math.max(7, ...list.map((c) => c.name.length));
    io.out(`${'CATALOG'.padEnd(w)}  ROLE      SERIAL      MEMBERS`);
    for (const c of list) io.out(`${c.name.padEnd(w)}  ${c.role.padEnd(8)}  ${String(c.serial).padEnd(10)}  ${c.members}`);
    return;
  }
  throw new UsageError(`unknown catalog command "${sub ?? ''}"`);
}
