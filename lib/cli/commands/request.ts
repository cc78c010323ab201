// `zonekeeper request list|show|approve|reject`: change requests (lib/requests)
// from a shell. The CLI is the local operator, with an admin's rights: it
// reviews every zone's requests and its approvals are recorded as `cli`.
// `--as USER` acts as that user instead, their rights checked and their name
// recorded, for an operator who reviews under their own name.
import { AppError } from '../../errors';
import { relativeName } from '../../dns/names';
import type { RR } from '../../dns/types';
import { parseArgs, UsageError } from '../args';
import { printTable, type CommandOutput } from '../output';
import { printCommit } from './change';
import { actingUser, type ActingUser } from './acting-user';
import { canonical } from './zone-lookup';

const requestData = () => import('../../requests/data');
const requestMutations = () => import('../../requests/mutations');

export async function requestCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const p = parseArgs(rest, ['zone', 'reason', 'as'], ['all'], ['reason']);
  const who = await actingUser(p.options.get('as')?.[0]);
  const id = () => {
    const n = Number(p.positionals[0]);
    if (p.positionals.length !== 1 || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`request ${sub} needs one request ID (a number; see zonekeeper request list)`);
    return n;
  };
  switch (sub) {
    case 'list':
      return listCommand(who, p.options.get('zone')?.[0], p.flags.has('all'), io);
    case 'show':
      return showCommand(who, id(), io);
    case 'approve': {
      const r = await (await requestMutations()).approveRequest(who, id());
      io.out(`Approved change request ${r.requestId}.`);
      printCommit(r, io);
      return;
    }
    case 'reject': {
      const reason = p.options.get('reason')?.join(' ') ?? '';
      if (!reason.trim()) throw new UsageError('request reject needs --reason TEXT: the requester sees it');
      const n = id();
      await (await requestMutations()).rejectRequest(who, n, reason);
      io.out(`Rejected change request ${n}.`);
      return;
    }
    default:
      throw new UsageError(`unknown request command "${sub ?? ''}"`);
  }
}

async function listCommand(who: ActingUser, zoneName: string | undefined, all: boolean, io: CommandOutput): Promise<void> {
  const { listRequests } = await requestData();
  let zoneId: number | undefined;
  if (zoneName !== undefined) {
    const { db } = await import('../../db');
    const z = await db().zone.findUnique({ where: { name: canonical(zoneName) }, select: { id: true } });
    if (!z) throw new AppError('not-found', `There is no zone ${canonical(zoneName)}. See: zonekeeper zone list`);
    zoneId = z.id;
  }
  const lists = await listRequests(who, { zoneId });
  const rows = all ? [...lists.toReview, ...lists.mine, ...lists.decided] : lists.toReview;
  const seen = new Set<number>();
  const unique = rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).sort((a, b) => b.id - a.id);
  if (unique.length === 0) {
    io.out(all ? 'No change requests.' : 'No open change requests to review.');
    return;
  }
  printTable(
    [
      ['ID', 'ZONE', 'STATE', 'REQUESTER', 'EDITS', 'CREATED', 'COMMENT'],
      ...unique.map((r) => [String(r.id), r.zone, r.state, r.requester, String(r.edits), r.createdAt.toISOString().slice(0, 16).replace('T', ' '), r.comment.split('\n')[0]!.slice(0, 60)]),
    ],
    io.out,
  );
}

async function showCommand(who: ActingUser, id: number, io: CommandOutput): Promise<void> {
  const r = await (await requestData()).getRequest(who, id);
  io.out(`Change request ${r.id} on ${r.zone}: ${r.state}`);
  io.out(`requested by ${r.requester}, ${r.createdAt.toISOString()}, against serial ${r.baseSerial}`);
  io.out(`comment: ${r.comment}`);
  if (r.reviewer) io.out(`${r.state === 'approved' ? 'approved' : 'decided'} by ${r.reviewer}${r.decidedAt ? `, ${r.decidedAt.toISOString()}` : ''}${r.changeId ? ` (change ${r.changeId})` : ''}`);
  if (r.reason) io.out(`reason: ${r.reason}`);
  io.out('edits:');
  r.descriptions.forEach((d, i) => io.out(`  ${i + 1}. ${d}`));
  if (!r.now) return;
  const rr = (sign: string, x: RR) => `  ${sign} ${relativeName(x.name, r.zone)} ${x.ttl} ${x.type} ${x.content}`;
  io.out(`against the zone now (serial ${r.now.serial}):`);
  for (const x of r.now.removed) io.out(rr('-', x));
  for (const x of r.now.added) io.out(rr('+', x));
  if (r.now.soaChanged) io.out('  ~ SOA fields (see the edits)');
  for (const c of r.now.conflicts) io.out(`conflict: edit ${c.edit + 1} (${c.description}): ${c.message}`);
  for (const p of r.now.problems) io.out(`problem: ${p.message}`);
  for (const n of r.now.approvalNotes) io.out(`approval: ${n}`);
  if (r.now.conflicts.length || r.now.problems.length) io.out('It cannot be approved as it stands: reject it, and the requester can ask again.');
}
