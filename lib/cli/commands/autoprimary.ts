// `zonekeeper autoprimary add|list|delete` (lib/zones/autoprimaries.ts).
import { addAutoprimary, deleteAutoprimary, formatAutoprimary, listAutoprimaries } from '../../zones/autoprimaries';
import { parseArgs, UsageError } from '../args';
import { printTable, type CommandOutput } from '../output';

export async function autoprimaryCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const p = parseArgs(rest, ['account'], []);
  const [ip, nameserver] = p.positionals;
  if (sub === 'add') {
    if (!ip || !nameserver) throw new UsageError('autoprimary add needs IP[:PORT] NAMESERVER');
    const a = await addAutoprimary(ip, nameserver, p.options.get('account')?.join(',') ?? '');
    io.out(`Added autoprimary ${formatAutoprimary(a)} for nameserver ${a.nameserver}${a.account ? ` (account ${a.account})` : ''}.`);
    io.out(`A NOTIFY from ${a.ip} for a zone not served here creates it as a secondary of ${formatAutoprimary(a)} when its NS set names ${a.nameserver}.`);
    return;
  }
  if (sub === 'list') {
    const list = await listAutoprimaries();
    if (list.length === 0) {
      io.out('No autoprimaries. Add one with: zonekeeper autoprimary add 192.0.2.1 ns2.example.com.');
      return;
    }
    printTable([['PRIMARY', 'NAMESERVER', 'ACCOUNT'], ...list.map((a) => [formatAutoprimary(a), a.nameserver, a.account])], io.out);
    return;
  }
  if (sub === 'delete') {
    if (!ip || !nameserver) throw new UsageError('autoprimary delete needs IP NAMESERVER');
    await deleteAutoprimary(ip, nameserver);
    io.out(`Deleted autoprimary ${ip} for nameserver ${nameserver}; zones it created stay.`);
    return;
  }
  throw new UsageError(`unknown autoprimary command "${sub ?? ''}"`);
}
