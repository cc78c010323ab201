// `zonekeeper apikey add|list|delete`: keys for the HTTP API, through the key
// store (lib/auth/api-keys.ts). `add` prints the secret, which is shown once.
import { createApiKey, deleteApiKey, listApiKeys } from '../../auth/api-keys';
import { describeScope } from '../../auth/api-key-words';
import { parseArgs, UsageError } from '../args';
import type { CommandOutput } from '../output';

export async function apikeyCommand(args: string[], io: CommandOutput): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const p = parseArgs(rest, ['zone', 'name', 'type'], ['read-only']);
      const [name, extra] = p.positionals;
      if (!name || extra !== undefined) throw new UsageError('apikey add needs NAME [--zone ZONE …] [--name PATTERN …] [--type TYPE …] [--read-only]');
      const { key, secret } = await createApiKey(
        { name, zones: p.options.get('zone') ?? null, names: p.options.get('name') ?? [], types: p.options.get('type') ?? [], readOnly: p.flags.has('read-only') },
        'cli',
      );
      io.out(`Created API key ${key.name}: ${describeScope(key.scope)}.`);
      io.out(`secret: ${secret}`);
      io.out('The secret is shown once and will not be shown again; only its hash is stored. Send it as the X-API-Key header.');
      return;
    }
    case 'list': {
      if (rest.length) throw new UsageError('apikey list takes no arguments');
      const keys = await listApiKeys();
      if (keys.length === 0) {
        io.out('No API keys. Create one with: zonekeeper apikey add NAME [--zone ZONE]');
        return;
      }
      const w = Math.max(4, ...keys.map((k) => k.name.length));
      const used = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')}Z` : 'never');
      io.out(`${'NAME'.padEnd(w)}  ${'LAST USED'.padEnd(17)}  ${'CREATED BY'.padEnd(10)}  SCOPE`);
      for (const k of keys) io.out(`${k.name.padEnd(w)}  ${used(k.lastUsedAt).padEnd(17)}  ${k.createdBy.padEnd(10)}  ${describeScope(k.scope)}`);
      return;
    }
    case 'delete': {
      const [name, extra] = rest;
      if (!name || extra !== undefined) throw new UsageError('apikey delete needs NAME');
      await deleteApiKey(name);
      io.out(`Deleted API key ${name.trim().toLowerCase()}; requests with it are refused from now on.`);
      return;
    }
    default:
      throw new UsageError(`unknown apikey command "${sub ?? ''}"`);
  }
}
