// Password checks are CPU-bound (bcrypt on the web process's one thread): a
// flood of sign-ins must be turned away, not queued without end.
import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, hashPassword, PasswordChecksBusy, verifyPassword } from './password';

describe('ConcurrencyGate', () => {
  it('runs a few at once, lets a few wait, refuses the rest at once, and frees slots as tasks end', async () => {
    const gate = new ConcurrencyGate(2, 3);
    const releases: (() => void)[] = [];
    const task = () => new Promise<string>((resolve) => releases.push(() => resolve('done')));
    const runs = Array.from({ length: 7 }, () => gate.run(task).then((v) => v, (e: unknown) => e));
    await Promise.resolve();
    expect(gate.busy).toEqual({ running: 2, waiting: 3 });
    const settled = await Promise.all(runs.slice(5));
    expect(settled.every((e) => e instanceof PasswordChecksBusy)).toBe(true);
    // Finishing one hands its slot to the first in line.
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(gate.busy).toEqual({ running: 2, waiting: 2 });
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(runs.slice(0, 5))).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(gate.busy).toEqual({ running: 0, waiting: 0 });
  });
});

describe('verifyPassword', () => {
  // Before: every sign-in started a bcrypt check at once, so a flood of random
  // names queued unbounded CPU work in the web process.
  it('turns away checks beyond 2 running and 16 waiting, and still checks the admitted ones', { timeout: 60_000 }, async () => {
    const hash = await hashPassword('the-right-password');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => verifyPassword(i === 0 ? 'the-right-password' : 'wrong', hash).then((ok) => ok, (e: unknown) => e)),
    );
    expect(results.filter((r) => r instanceof PasswordChecksBusy)).toHaveLength(12);
    expect(results[0]).toBe(true);
    expect(results.filter((r) => r === false)).toHaveLength(17);
  });
});
