// The command-line options of the bench scripts: `--name` flags and `--name N`
// numbers, read the same way by each.

/** Whether `--name` was given. */
export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** The positive number after `--name`, or `fallback` when it is not given; anything else stops the script with the reason. */
export function numberOption(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number, got "${process.argv[i + 1]}"`);
  return n;
}
