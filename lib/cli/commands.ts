// The `zonekeeper` commands themselves (main.ts loads this module for any
// command but `--help`). Every write goes through the change service
// (lib/zones), exactly as the web app's do. Errors go to stderr with exit
// status 1 and say what to fix. The change service and the user store are
// imported by the commands that use them, when they run: with zod they are
// half of what a command loads, and reads such as `zone list` do without.
// A command writes through a CommandOutput (output.ts): the process's stdout
// and stderr here, buffers when the DNS worker runs it for the CLI.
import fs from 'node:fs';
import { disconnectDb } from '../db';
import { databaseFailure } from '../db-errors';
import { isRole } from '../auth/permission';
import { migrateDatabase } from '../setup/database';
import { getZone, listZones } from '../zones/data';
import { exportZoneFile } from '../zones/zone-export';
import { AppError } from '../errors';
import type { Actor, CommitResult } from '../zones/mutations';
import { ControlUnavailableError, controlRequest } from '../control/client';
import type { ControlReply, ControlRoute } from '../control/protocol';
import { parseArgs, UsageError } from './args';
import { replicationCommand } from './replication';
import { createTsigKey, deleteTsigKey, listTsigKeys } from '../zones/tsig-keys';
import { addAutoprimary, deleteAutoprimary, formatAutoprimary, listAutoprimaries } from '../zones/autoprimaries';
import { db } from '../db';
import { controlPort } from '../config/env';
import { databaseProvider } from '../config/database-url';
import { parseTtl } from '../dns/ttl';
import { USAGE } from './usage';
import { processOutput, type CommandOutput } from './output';
import { formatOffset } from '../format/relative-time';

const changeService = () => import('../zones/mutations');
const userStore = () => import('../auth/users');


const ACTOR: Actor = { name: 'cli' };

function printCommit(r: CommitResult, io: CommandOutput): void {
  if (!r.changed) {
    io.out(`${r.zone}: nothing changed (serial stays ${r.oldSerial})`);
    return;
  }
  io.out(`${r.zone}: serial ${r.oldSerial} → ${r.newSerial} (+${r.added.length} −${r.removed.length} records)`);
  if (r.notifyTargets.length) io.out(`NOTIFY queued for ${r.notifyTargets.join(', ')}`);
}

async function zoneCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const p = parseArgs(rest, ['ns', 'primary', 'contact', 'ttl', 'serial-policy', 'also-notify', 'allow-transfer', 'comment', 'tsig', 'events'], ['secondary']);
  const name = p.positionals[0];
  const needName = () => {
    if (!name) throw new UsageError(`zone ${sub} needs a zone NAME`);
    return name;
  };
  switch (sub) {
    case 'create': {
      const secondary = p.flags.has('secondary');
      const { createZone } = await changeService();
      const z = await createZone(
        {
          name: needName(),
          kind: secondary ? 'secondary' : 'primary',
          nameservers: p.options.get('ns') ?? [],
          primaries: p.options.get('primary') ?? [],
          contact: p.options.get('contact')?.[0],
          defaultTtl: p.options.has('ttl') ? parseTtl(p.options.get('ttl')![0]!) : undefined,
          serialPolicy: p.options.get('serial-policy')?.[0],
        },
        ACTOR,
      );
      io.out(secondary ? `Created secondary zone ${z.name}; it is served once the first transfer from its primary succeeds.` : `Created zone ${z.name} with serial ${z.serial}.`);
      return;
    }
    case 'list': {
      const zones = await listZones();
      if (zones.length === 0) {
        io.out('No zones yet. Create one with: zonekeeper zone create example.com --ns ns1.example.com.');
        return;
      }
      const w = Math.max(4, ...zones.map((z) => z.name.length));
      io.out(`${'ZONE'.padEnd(w)}  KIND       SERIAL      RECORDS`);
      for (const z of zones) io.out(`${z.name.padEnd(w)}  ${z.kind.padEnd(9)}  ${String(z.serial).padEnd(10)}  ${z.recordCount}`);
      return;
    }
    case 'delete':
      await (await changeService()).deleteZone(needName(), ACTOR);
      io.out(`Deleted zone ${canonical(name!)}.`);
      return;
    case 'import': {
      const file = p.positionals[1];
      if (!file) throw new UsageError('zone import needs a NAME and a FILE');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new AppError('invalid', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const { importZone } = await changeService();
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
      const { setZoneOptions } = await changeService();
      await setZoneOptions(
        needName(),
        {
          alsoNotify: p.options.get('also-notify'),
          allowTransfer: p.options.get('allow-transfer'),
          serialPolicy: p.options.get('serial-policy')?.[0],
          tsig: p.options.get('tsig')?.[0],
          primaries: p.options.get('primary'),
        },
        ACTOR,
      );
      io.out(`Updated ${canonical(name!)}.`);
      return;
    }
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

/** `record add ZONE NAME TYPE TTL CONTENT…` / `record delete ZONE NAME TYPE [CONTENT…]`; `--comment` only before ZONE. */
async function recordCommand(args: string[], io: CommandOutput): Promise<void> {
  let [sub, ...rest] = args;
  let comment = '';
  while (rest[0]?.startsWith('--comment')) {
    const [flag, inline] = rest[0].split(/=(.*)/s, 2);
    if (flag !== '--comment') break;
    comment = inline ?? rest[1] ?? '';
    rest = rest.slice(inline === undefined ? 2 : 1);
  }
  const { applyChangeset } = await changeService();
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

/** The zone named, or the error that says there is none and where to look. */
async function existingZone(name: string): Promise<NonNullable<Awaited<ReturnType<typeof getZone>>>> {
  const z = await getZone(name);
  if (!z) throw noSuchZone(name);
  return z;
}

function noSuchZone(name: string): AppError {
  return new AppError('not-found', `There is no zone ${canonical(name)}. See: zonekeeper zone list`);
}

/** POSTs `{ zone }` to the worker's control channel; when no worker answers, says what it would have done and how to start it. */
async function askWorker<R extends Extract<ControlRoute, 'POST /notify' | 'POST /retrieve'>>(route: R, zone: string, timeoutMs: number, whoDoesIt: string): Promise<ControlReply<R>> {
  try {
    return await controlRequest(route, { zone }, timeoutMs);
  } catch (err) {
    if (err instanceof ControlUnavailableError) {
      throw new AppError('not-found', `${err.message}. ${whoDoesIt}: start it with npm start or npm run worker.`);
    }
    throw err;
  }
}

async function notifyCommand(args: string[], io: CommandOutput): Promise<void> {
  const zone = args[0];
  if (!zone) throw new UsageError('notify needs a ZONE');
  const z = await existingZone(zone);
  const report = await askWorker('POST /notify', z.name, 30_000, 'NOTIFY is sent by the DNS worker');
  if (report.results.length === 0) {
    io.out(`${report.zone} serial ${report.serial}: no secondaries to notify (add NS hosts with addresses in the zone, or zonekeeper zone set ${z.name} --also-notify ADDR[:PORT])`);
    return;
  }
  io.out(`${report.zone} serial ${report.serial}:`);
  for (const r of report.results) io.out(`  ${r.target.padEnd(24)} ${r.outcome}${r.detail ? ` (${r.detail})` : ''}${r.ms !== undefined ? ` ${r.ms} ms` : ''}`);
  if (report.results.some((r) => r.outcome !== 'acknowledged')) io.exitCode = 1;
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

async function statusCommand(name: string, eventCount: number, io: CommandOutput): Promise<void> {
  const z = await existingZone(name);
  const row = (await db().zone.findUnique({ where: { id: z.id }, include: { tsigKey: { select: { name: true } } } }))!;
  const when = (d: Date | null) => (d ? `${d.toISOString()} (${formatOffset(d)})` : 'never');
  const line = (label: string, value: string) => io.out(`${`${label}:`.padEnd(14)}${value}`);
  line('zone', z.name);
  line('kind', z.kind);
  line('serial', z.kind === 'secondary' && z.serial === 0 ? '0 (not transferred yet)' : String(z.serial));
  if (z.kind === 'secondary') {
    line('primaries', z.primaries.join(', ') || 'none');
    line('tsig key', row.tsigKey?.name ?? 'none');
    line('last check', row.lastCheckAt ? `${when(row.lastCheckAt)}, ${row.lastError ? `failed: ${row.lastError}` : 'ok'}` : 'never');
    line('last refresh', when(row.lastRefreshAt));
    line('next refresh', row.nextRefreshAt ? when(row.nextRefreshAt) : 'at once (when the worker runs)');
    const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
    line('expires', row.expiresAt ? `${when(row.expiresAt)}${expired ? ': EXPIRED, answering SERVFAIL until a refresh succeeds' : ''}` : 'not served yet');
    if (row.refreshFailures) line('failures', `${row.refreshFailures} in a row`);
  } else {
    line('tsig key', row.tsigKey?.name ?? 'none');
  }
  const events = await db().zoneEvent.findMany({ where: { zoneName: z.name }, orderBy: { id: 'desc' }, take: eventCount });
  if (eventCount === 0) return;
  io.out();
  if (events.length === 0) {
    io.out('No events yet.');
    return;
  }
  io.out(`Latest events (newest first, up to ${eventCount}):`);
  const rows = events.map((e) => [
    e.createdAt.toISOString(),
    e.kind,
    e.peer || '-',
    e.serial === null ? '-' : String(e.serial),
    e.outcome,
    e.records === null ? '-' : String(e.records),
    e.bytes === null ? '-' : String(e.bytes),
    e.durationMs === null ? '-' : `${e.durationMs} ms`,
    e.detail ?? '',
  ]);
  const head = ['TIME', 'KIND', 'PEER', 'SERIAL', 'OUTCOME', 'RECORDS', 'BYTES', 'TIME TAKEN', 'DETAIL'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) io.out(`  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

async function autoprimaryCommand(args: string[], io: CommandOutput): Promise<void> {
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
    const w = Math.max(7, ...list.map((a) => formatAutoprimary(a).length));
    const n = Math.max(10, ...list.map((a) => a.nameserver.length));
    io.out(`${'PRIMARY'.padEnd(w)}  ${'NAMESERVER'.padEnd(n)}  ACCOUNT`);
    for (const a of list) io.out(`${formatAutoprimary(a).padEnd(w)}  ${a.nameserver.padEnd(n)}  ${a.account}`.trimEnd());
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

async function tsigCommand(args: string[], io: CommandOutput): Promise<void> {
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

async function userCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  const { grantZone, listUsers, resetPassword, revokeZone, setUserDisabled, signOutEverywhere } = await userStore();
  switch (sub) {
    case 'add':
      return userAddCommand(rest, io);
    case 'list': {
      if (rest.length) throw new UsageError('user list takes no arguments');
      const users = await listUsers();
      const w = Math.max(4, ...users.map((u) => u.name.length));
      io.out(`${'USER'.padEnd(w)}  ROLE    STATUS    ZONES`);
      for (const u of users) {
        const zones = u.role === 'editor' ? (u.grantCount ? `${u.grantCount}${u.someGrants.length ? ` (${u.someGrants.join(', ')}${u.grantCount > u.someGrants.length ? ', …' : ''})` : ''}` : 'none') : 'all';
        io.out(`${u.name.padEnd(w)}  ${u.role.padEnd(6)}  ${(u.disabled ? 'disabled' : 'enabled').padEnd(8)}  ${zones}`);
      }
      return;
    }
    case 'grant':
    case 'revoke': {
      const [user, zone, extra] = rest;
      if (!user || !zone || extra !== undefined) throw new UsageError(`user ${sub} needs USER ZONE`);
      const r = sub === 'grant' ? await grantZone(user, zone) : await revokeZone(user, zone);
      io.out(sub === 'grant' ? `Granted ${r.zone} to ${r.user}.` : `Revoked ${r.zone} from ${r.user}.`);
      return;
    }
    case 'disable':
    case 'enable': {
      const [user, extra] = rest;
      if (!user || extra !== undefined) throw new UsageError(`user ${sub} needs USER`);
      // No acting user from a shell: only the last-enabled-admin rule applies.
      await setUserDisabled(user, sub === 'disable', null);
      io.out(sub === 'disable' ? `Disabled ${user.toLowerCase()}; their sessions have ended.` : `Enabled ${user.toLowerCase()}.`);
      return;
    }
    case 'password': {
      const [user, extra] = rest;
      if (!user || extra !== undefined) throw new UsageError('user password needs USER (the new password on stdin; empty to generate one)');
      const given = (await readStdin()).replace(/\r?\n$/, '');
      const password = await resetPassword(user, given || undefined);
      io.out(given ? `Changed the password of ${user.toLowerCase()}; their sessions have ended.` : `New password for ${user.toLowerCase()} (shown once): ${password}\nTheir sessions have ended.`);
      return;
    }
    case 'signout': {
      const [user, extra] = rest;
      if (!user || extra !== undefined) throw new UsageError('user signout needs USER');
      const n = await signOutEverywhere(user);
      io.out(`Ended ${n} session${n === 1 ? '' : 's'} of ${user.toLowerCase()}.`);
      return;
    }
    default:
      throw new UsageError(`unknown user command "${sub ?? ''}"`);
  }
}

async function userAddCommand(rest: string[], io: CommandOutput): Promise<void> {
  const p = parseArgs(rest, ['role'], []);
  const name = p.positionals[0];
  const role = p.options.get('role')?.[0];
  if (!name || !role) throw new UsageError('user add needs NAME --role admin|editor|viewer');
  if (!isRole(role)) throw new UsageError(`--role must be admin, editor or viewer, not "${role}"`);
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('give the password on stdin, e.g.: printf %s "$PASSWORD" | zonekeeper user add NAME --role editor');
  const u = await (await userStore()).createUser(name, password, role);
  io.out(`Created user ${u.name} (${u.role}).`);
}

/** The process's own stdin (a password): why `user` commands always run in the CLI's process (lib/cli/via-worker.ts). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('Password: ');
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function canonical(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}

/** Commands whose change the DNS worker serves (records, zones, keys, autoprimaries). */
const SERVED_CHANGES: Record<string, readonly string[]> = {
  zone: ['create', 'delete', 'import', 'set'],
  record: ['add', 'delete'],
  tsig: ['add', 'delete'],
  autoprimary: ['add', 'delete'],
};

/**
 * After a change, says so when the worker on this machine is not running: the
 * change is stored, and served when the worker starts (on PostgreSQL, workers
 * on other machines serve it now). A worker that is merely slow to answer is
 * not reported: it reloads the change on its own.
 */
async function noteIfWorkerDown(io: CommandOutput): Promise<void> {
  try {
    await controlRequest('GET /health', undefined, 2000);
  } catch (err) {
    if (!(err instanceof ControlUnavailableError && err.notRunning)) return;
    const elsewhere = databaseProvider() === 'postgresql' ? '; DNS workers on other machines of this database serve it already' : '';
    io.out(
      `Stored. The DNS worker on this machine is not running (nothing answers on 127.0.0.1:${controlPort()}), ` +
        `so it serves this change when it starts (npm start, or npm run worker)${elsewhere}.`,
    );
  }
}

/**
 * Runs one command in this process, as bin/zonekeeper.mjs does when the DNS
 * worker does not run it (`argv` without `--help`, which main.ts answers):
 * migrates the database first and closes the client after. Returns the exit
 * status.
 */
export async function runCommand(argv: string[], io: CommandOutput = processOutput()): Promise<number> {
  try {
    return await execute(argv, io, 'cli');
  } finally {
    await disconnectDb();
  }
}

/**
 * Runs one command for the CLI inside the DNS worker (lib/worker/control-cli.ts),
 * as the same operator (ACTOR) it is in the CLI's own process. The worker
 * migrated the database when it started and its client stays open.
 */
export function runCommandInWorker(argv: string[], io: CommandOutput): Promise<number> {
  return execute(argv, io, 'worker');
}

async function execute(argv: string[], io: CommandOutput, where: 'cli' | 'worker'): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (where === 'cli') {
      const { secured } = await migrateDatabase();
      for (const line of secured) io.err(`zonekeeper: made private (was readable by other users): ${line}\n`);
    }
    switch (cmd) {
      case 'zone':
        await zoneCommand(rest, io);
        break;
      case 'record':
        await recordCommand(rest, io);
        break;
      case 'notify':
        await notifyCommand(rest, io);
        break;
      case 'user':
        await userCommand(rest, io);
        break;
      case 'tsig':
        await tsigCommand(rest, io);
        break;
      case 'autoprimary':
        await autoprimaryCommand(rest, io);
        break;
      case 'replication':
        await replicationCommand(rest[0], io.out);
        break;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
    // The worker that ran it serves it: there is nothing to note.
    if (where === 'cli' && SERVED_CHANGES[cmd]?.includes(rest[0] ?? '')) await noteIfWorkerDown(io);
    return io.exitCode;
  } catch (err) {
    reportFailure(err, io);
    return 1;
  }
}

/** What went wrong and what to fix, on stderr: never a stack but for a failure nobody foresaw. */
function reportFailure(err: unknown, io: CommandOutput): void {
  const database = databaseFailure(err);
  if (err instanceof UsageError) {
    io.err(`zonekeeper: ${err.message}\n\n${USAGE}\n`);
  } else if (err instanceof AppError) {
    io.err(`zonekeeper: ${err.message}\n`);
    for (const e of err.recordErrors) {
      const where = e.line !== undefined ? `line ${e.line}` : e.record ?? (e.index !== undefined ? `record ${e.index + 1}` : '');
      io.err(`  ${where}: ${e.message}\n`);
    }
    for (const [field, msgs] of Object.entries(err.fieldErrors)) {
      for (const m of msgs) if (!err.message.includes(m)) io.err(`  ${field}: ${m}\n`);
    }
  } else if (database) {
    // A full disk or a database held by another writer: what happened and what to do, not a stack.
    io.err(`zonekeeper: ${database.message}\n`);
  } else {
    io.err(`zonekeeper: unexpected failure: ${(err as Error).stack ?? err}\n`);
  }
}
