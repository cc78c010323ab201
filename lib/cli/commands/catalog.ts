// `zonekeeper catalog create|list`: catalog zones (RFC 9432). A zone joins a
// catalog with `zone create|set ZONE --catalog NAME [--group G]`; a catalog
// of another primary is followed with `zone create CAT --secondary --primary
// ADDR --catalog-consumer`.
import { listCatalogs } from '../../zones/catalog-data';
import { parseArgs, UsageError } from '../args';
import { printTable, type CommandOutput } from '../output';
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
    printTable([['CATALOG', 'ROLE', 'SERIAL', 'MEMBERS'], ...list.map((c) => [c.name, c.role, String(c.serial), String(c.members)])], io.out);
    return;
  }
  throw new UsageError(`unknown catalog command "${sub ?? ''}"`);
}
