// `zonekeeper zone …`: create, list, delete, deleted, restore, import, export, set, sign,
// unsign, rollover, retrieve and status. The change service is imported by the subcommands that write,
// when they run: with zod it is half of what a command loads, and reads such
// as `zone list` do without.
import fs from 'node:fs';
import { parseTtl } from '../../dns/ttl';
import { listZones } from '../../zones/data';
import { AppError } from '../../errors';
import { exportZoneFile } from '../../zones/zone-export';
import { parseArgs, UsageError } from '../args';
import { printTable, type CommandOutput } from '../output';
import { askWorker } from './ask-worker';
import { rolloverCommand, signCommand, unsignCommand } from './dnssec';
import { ACTOR, printCommit } from './change';
import { canonical, existingZone, noSuchZone } from './zone-lookup';
import { statusCommand } from './zone-status';

const zoneLifecycle = () => import('../../zones/zone-lifecycle');
const zoneChanges = () => import('../../zones/changes');
const deletedZones = () => import('../../zones/deleted-zones');

export async function zoneCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const p = parseArgs(
    rest,
    ['ns', 'primary', 'member-primary', 'contact', 'ttl', 'serial-policy', 'also-notify', 'allow-transfer', 'comment', 'tsig', 'events', 'update-policy', 'algorithm', 'catalog', 'group', 'approval'],
    ['secondary', 'catalog-consumer', 'nsec', 'nsec3', 'parent-has-no-ds', 'ksk', 'ds-seen'],
    ['update-policy'],
  );
  const name = p.positionals[0];
  const needName = () => {
    if (!name) throw new UsageError(`zone ${sub} needs a zone NAME`);
    return name;
  };
  switch (sub) {
    case 'create': {
      const secondary = p.flags.has('secondary');
      const { createZone } = await zoneLifecycle();
      const z = await createZone(
        {
          name: needName(),
          kind: secondary ? 'secondary' : 'primary',
          nameservers: p.options.get('ns') ?? [],
          primaries: p.options.get('primary') ?? [],
          contact: p.options.get('contact')?.[0],
          defaultTtl: p.options.has('ttl') ? parseTtl(p.options.get('ttl')![0]!) : undefined,
          serialPolicy: p.options.get('serial-policy')?.[0],
          catalog: p.options.get('catalog')?.[0],
          catalogGroup: p.options.get('group')?.[0],
          catalogConsumer: p.flags.has('catalog-consumer'),
          memberPrimaries: p.options.get('member-primary') ?? [],
        },
        ACTOR,
      );
      if (p.flags.has('catalog-consumer')) io.out(`Created catalog zone ${z.name}; the worker creates the zones it lists once the first transfer from its primary succeeds.`);
      else io.out(secondary ? `Created secondary zone ${z.name}; it is served once the first transfer from its primary succeeds.` : `Created zone ${z.name} with serial ${z.serial}.`);
      return;
    }
    case 'list': {
      const zones = await listZones();
      if (zones.length === 0) {
        io.out('No zones yet. Create one with: zonekeeper zone create example.com --ns ns1.example.com.');
        return;
      }
      const w = Math.max(4, ...zones.map((z) => z.name.length));
      // A catalog (RFC 9432) shows as such: a producer's records are not edited, a consumer's create zones.
      const kind = (z: (typeof zones)[number]) => (z.catalogRole ? `catalog (${z.catalogRole})` : z.kind);
      const k = Math.max(9, ...zones.map((z) => kind(z).length));
      io.out(`${'ZONE'.padEnd(w)}  ${'KIND'.padEnd(k)}  SERIAL      RECORDS`);
      for (const z of zones) io.out(`${z.name.padEnd(w)}  ${kind(z).padEnd(k)}  ${String(z.serial).padEnd(10)}  ${z.recordCount}`);
      return;
    }
    case 'delete':
      // The local operator deletes alone, even when the web app asks for a second admin: they hold the database anyway.
      await (await zoneLifecycle()).deleteZone(needName(), ACTOR);
      io.out(`Deleted zone ${canonical(name!)}; restore it with: zonekeeper zone restore ${canonical(name!)}`);
      return;
    case 'deleted':
      await deletedCommand(io);
      return;
    case 'restore': {
      const r = await (await deletedZones()).restoreZone(needName(), ACTOR);
      const catalog = r.catalog ? (r.catalog.rejoined ? `; back in catalog ${r.catalog.name}` : `; its catalog ${r.catalog.name} no longer exists, so it is in none`) : '';
      io.out(`Restored zone ${r.name} with ${r.records} records at serial ${r.serial}${catalog}.`);
      return;
    }
    case 'import': {
      const file = p.positionals[1];
      if (!file) throw new UsageError('zone import needs a NAME and a FILE');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new AppError('invalid', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const { importZone } = await zoneChanges();
      printCommit(await importZone(needName(), text, ACTOR, p.options.get('comment')?.join(',') ?? `import of ${file}`), io);
      return;
    }
    case 'export': {
      const exported = await exportZoneFile(needName());
      if (!exported) throw noSuchZone(name!);
      await io.stream(exported.chunks);
      return;
    }
    case 'set': {
      const { setZoneOptions } = await zoneLifecycle();
      const approval = p.options.get('approval');
      const approvalRules = approval ? (await import('../../zones/approval-rules')).parseApprovalOption(approval) : undefined;
      await setZoneOptions(
        needName(),
        {
          alsoNotify: p.options.get('also-notify'),
          allowTransfer: p.options.get('allow-transfer'),
          serialPolicy: p.options.get('serial-policy')?.[0],
          tsig: p.options.get('tsig')?.[0],
          primaries: p.options.get('primary'),
          updatePolicy: updatePolicyOption(p.options.get('update-policy')),
          catalog: p.options.get('catalog')?.[0],
          catalogGroup: p.options.get('group')?.[0],
          memberPrimaries: p.options.get('member-primary'),
          approvalRules,
        },
        ACTOR,
      );
      io.out(`Updated ${canonical(name!)}`);
      return;
    }
    case 'sign':
      await signCommand(needName(), p.options.get('algorithm')?.[0], p.flags, io);
      return;
    case 'rollover':
      await rolloverCommand(needName(), p.flags, io);
      return;
    case 'unsign':
      await unsignCommand(needName(), p.flags.has('parent-has-no-ds'), io);
      return;
    case 'retrieve':
      await retrieveCommand(needName(), io);
      return;
    case 'status': {
      const n = p.options.has('events') ? Number(p.options.get('events')![0]) : 10;
      if (!Number.isInteger(n) || n < 0) throw new UsageError('--events needs a number of events');
      await statusCommand(needName(), n, io);
      return;
    }
    default:
      throw new UsageError(`unknown zone command "${sub ?? ''}"`);
  }
}

/** `zone deleted`: the snapshots still kept, newest first. */
async function deletedCommand(io: CommandOutput): Promise<void> {
  const list = await (await deletedZones()).listDeletedZones();
  if (list.length === 0) {
    io.out('No deleted zones are kept.');
    return;
  }
  const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  printTable(
    [['ID', 'ZONE', 'KIND', 'RECORDS', 'DELETED (UTC)', 'BY', 'KEPT UNTIL'], ...list.map((d) => [`#${d.id}`, d.name, d.kind, String(d.recordCount), day(d.deletedAt), d.deletedBy, day(d.keptUntil)])],
    (line) => io.out(line ?? ''),
  );
}

/** `--update-policy RULE`, repeated: the rules in order; `--update-policy none` alone clears the policy. */
function updatePolicyOption(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  if (values.some((v) => v === '')) throw new UsageError('--update-policy needs a rule, or none');
  if (values.length === 1 && values[0]!.toLowerCase() === 'none') return [];
  if (values.some((v) => v.toLowerCase() === 'none')) throw new UsageError('--update-policy none clears the policy and takes no other rules');
  return values;
}

async function retrieveCommand(name: string, io: CommandOutput): Promise<void> {
  const z = await existingZone(name);
  if (z.kind !== 'secondary') throw new AppError('invalid', `${z.name} is a primary zone; only secondary zones are transferred from a primary.`);
  const r = await askWorker('POST /retrieve', z.name, 330_000, 'Transfers are made by the DNS worker');
  if (!r.ok) {
    io.err(`zonekeeper: ${r.zone}: the transfer failed: ${r.error ?? 'unknown error'}\n`);
    io.exitCode = 1;
    return;
  }
  io.out(`${r.zone}: transferred serial ${r.serial} from ${r.primary} (${r.style ?? r.status}, ${r.records ?? 0} records)`);
}
