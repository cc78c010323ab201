// A small argument reader for the CLI: positionals plus `--flag value`
// options that may repeat or hold comma-separated lists. Record content is
// taken verbatim after the fixed positionals, so values like `-all` in an SPF
// TXT record are never mistaken for options.

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

/**
 * `valueOptions` take a value; any other `--x` is a boolean flag. The values
 * of `wholeOptions` (also value options) are kept whole, commas included:
 * each is one item, such as a rule of words.
 */
export function parseArgs(argv: string[], valueOptions: readonly string[], booleanFlags: readonly string[], wholeOptions: readonly string[] = []): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (valueOptions.includes(key)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${key} needs a value`);
      const list = out.options.get(key) ?? [];
      if (wholeOptions.includes(key)) list.push(value.trim());
      else list.push(...value.split(',').map((s) => s.trim()).filter(Boolean));
      out.options.set(key, list);
    } else if (booleanFlags.includes(key)) {
      out.flags.add(key);
    } else {
      throw new UsageError(`unknown option --${key}`);
    }
  }
  return out;
}
