// Password hashing with bcrypt (bcryptjs: pure JavaScript, so it needs no
// native build and runs the same in the web app, the CLI and tests).
//
// A check costs about 0.1–0.2 s of CPU on the process's one JavaScript
// thread, so checks are admitted through a gate: a few run at once, a few
// more wait, and the rest are turned away at once with PasswordChecksBusy. A
// flood of sign-ins (random names cost a check too, against a throwaway hash,
// so timing does not tell which names exist) then costs a bounded share of
// the CPU, and the pages keep answering.
import bcrypt from 'bcryptjs';

const COST = 11;
/** Checks running at once (they interleave on one thread, so more would not finish sooner). */
const MAX_RUNNING = 2;
/** Checks allowed to wait for a turn; beyond that the caller is told to come back. */
const MAX_WAITING = 16;

export class PasswordChecksBusy extends Error {
  constructor() {
    super('too many password checks are running; try again in a few seconds');
  }
}

/** Admits at most `running` tasks at once and `waiting` more in line; the rest fail at once. */
export class ConcurrencyGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly running: number,
    private readonly waiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.running) {
      if (this.queue.length >= this.waiting) throw new PasswordChecksBusy();
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }

  get busy(): { running: number; waiting: number } {
    return { running: this.active, waiting: this.queue.length };
  }
}

const checks = new ConcurrencyGate(MAX_RUNNING, MAX_WAITING);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** Throws PasswordChecksBusy when too many checks are already running or waiting. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return checks.run(() => bcrypt.compare(password, hash));
}

/** Readable generated password: 20 characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
