// The worker's signer clock (issue 19): signatures are made with a validity
// (lib/zones/dnssec-commit.ts signingPolicy) and must be made again before it
// ends, with nobody acting. Zone.resignAt says when each signed zone is due;
// this reads only the due zones and the next due time along its index, so an
// idle worker with 50,000 signed zones does one small query a minute at most.
import { refreshSignatures, dueForResigning } from '../zones/zone-signing';
import { failureMessage } from '../db-errors';
import type { Logger } from './logger';

/** The longest the clock sleeps: a zone signed by another process is seen within this. */
const MAX_SLEEP_MS = 60_000;
/** Zones refreshed per turn, one after another (each is a commit). */
const PER_TURN = 20;

export class Resigner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly log: Logger) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.turn().finally(() => (this.running = undefined));
    }, Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
    this.timer.unref();
  }

  /** Refreshes what is due now and sleeps until the next zone is. */
  async turn(now = new Date()): Promise<void> {
    let sleep = MAX_SLEEP_MS;
    try {
      const { due, next } = await dueForResigning(now, PER_TURN);
      for (const zone of due) {
        if (this.stopped) return;
        try {
          if (await refreshSignatures(zone, now)) this.log.info({ zone }, 'DNSSEC signatures refreshed');
        } catch (err) {
          this.log.error({ zone, err: failureMessage(err) }, 'DNSSEC signature refresh failed; retrying in a minute');
        }
      }
      if (due.length === PER_TURN) sleep = 0;
      else if (next) sleep = next.getTime() - Date.now();
    } catch (err) {
      this.log.error({ err: failureMessage(err) }, 'cannot read which zones need new signatures');
    }
    this.schedule(sleep);
  }
}
