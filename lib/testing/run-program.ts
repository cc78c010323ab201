// A program run to its end for a test: its exit status and everything it
// printed, killed if it runs past a bound. `runZonekeeper` is the CLI
// (`bin/zonekeeper.mjs`) run that way, asynchronous so that a worker in the
// test's own process can answer it.
import { spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');

export interface ProgramResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to its standard input, which is then closed. */
  input?: string;
  /** Killed (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
}

export function runProgram(program: string, args: string[], opts: RunOptions = {}): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { env: opts.env ?? process.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
  });
}

export function runZonekeeper(args: string[], opts: RunOptions = {}): Promise<ProgramResult> {
  return runProgram(process.execPath, [BIN, ...args], opts);
}
