// Where a `zonekeeper` command writes. Run by bin/zonekeeper.mjs, it writes
// to the process's stdout and stderr as it goes; run by the DNS worker for the
// CLI (lib/worker/control-cli.ts), it writes into buffers that the worker
// sends back and the CLI prints (lib/cli/via-worker.ts). The same command code
// runs both ways, so it prints the same text both ways. The exit status
// travels with the output, never through process.exitCode: in the worker that
// would be the worker's own.

export interface CommandOutput {
  /** One line to standard output; the newline is added. */
  out(line?: string): void;
  /** Text to standard error, as it is. */
  err(text: string): void;
  /** Chunks to standard output, waiting whenever the reader (a pipe, a slow disk) is behind, so memory stays bounded. */
  stream(chunks: AsyncIterable<string> | Iterable<string>): Promise<void>;
  /** The status a command that did not throw ends with: 1 when it reports a failure it printed itself. */
  exitCode: number;
}

/** The process's own stdout and stderr. */
export function processOutput(): CommandOutput {
  return {
    out: (line = '') => void process.stdout.write(`${line}\n`),
    err: (text) => void process.stderr.write(text),
    async stream(chunks) {
      for await (const chunk of chunks) {
        if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
      }
    },
    exitCode: 0,
  };
}

/** Everything a command printed, kept to be sent elsewhere (the worker's answer to the CLI). */
export class CapturedOutput implements CommandOutput {
  private readonly stdoutParts: string[] = [];
  private readonly stderrParts: string[] = [];
  exitCode = 0;

  readonly out = (line = ''): void => {
    this.stdoutParts.push(line, '\n');
  };

  readonly err = (text: string): void => {
    this.stderrParts.push(text);
  };

  async stream(chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
    for await (const chunk of chunks) this.stdoutParts.push(chunk);
  }

  get stdout(): string {
    return this.stdoutParts.join('');
  }

  get stderr(): string {
    return this.stderrParts.join('');
  }
}

/**
 * `rows` (a header row first) as columns two spaces apart, each as wide as
 * its widest cell, the last one not padded; every line after `indent`.
 */
export function printTable(rows: readonly (readonly string[])[], out: (line?: string) => void, indent = ''): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) out(`${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}
