// The worker's signer clock (issue 19): signatures are made with a validity
// (lib/zones/dnssec-commit.ts signingPolicy) and must be made again before it
// ends, and keys roll (lib/zones/key-rollover.ts), with nobody acting.
// Zone.resignAt says when each signed zone's signatures are due and
// DnssecKey(state, stateSince) when its keys' next step is; this reads only
// what is due and the next due time along those indexes, so an idle worker
// with 50,000 signed zones does a few small queries a minute at most. The same
// clock takes the steps of zones moving between catalogs
// (lib/zones/catalog.ts endDueMoves) when CatalogMove(dueAt) says.
import { kskRolloversSeenAtParent, nextKeyStepAt, rollKsk, runKeyStep, SIGNER, zonesWithKeyStepsDue } from '../zones/key-rollover';
import { refreshSignatures, dueForResigning } from '../zones/zone-signing';
import { endDueMoves } from '../zones/catalog';
import { failureMessage } from '../db-errors';
import type { Logger } from './logger';

/** The longest the clock sleeps: a zone signed by another process is seen within this. */
const MAX_SLEEP_MS = 60_000;
/** The shortest sleep between turns that found nothing more to do now. */
const MIN_SLEEP_MS = 1000;
/** Zones refreshed per turn, one after another (each is a commit). */
const PER_TURN = 20;

export class Resigner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** A zone failed in this turn. */
  private failed = false;
  /** When the scheduled turn runs (ms since the epoch). */
  private dueAt = 0;
  /** soon() was called during a turn: the next one comes within a second. */
  private again = false;

  constructor(private readonly log: Logger) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * A turn within a second, sooner than the one scheduled: zones changed, and a
   * change may have started a catalog move whose steps are due sooner than the
   * clock would look again (up to a minute). Called after each reload that
   * loaded zones; at most a turn a second however many changes come.
   */
  soon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer && this.dueAt - Date.now() <= MIN_SLEEP_MS) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(MIN_SLEEP_MS);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      ms = Math.min(ms, MIN_SLEEP_MS);
    }
    this.dueAt = Date.now() + Math.max(0, Math.min(ms, MAX_SLEEP_MS));
    this.timer = setTimeout(() => {
      this.running = this.turn().finally(() => (this.running = undefined));
    }, Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
    this.timer.unref();
  }

  /** Refreshes what is due now, takes due key steps, and sleeps until the next one is due. */
  async turn(now = new Date()): Promise<void> {
    let sleep = MAX_SLEEP_MS;
    try {
      const { due, next } = await dueForResigning(now, PER_TURN);
      await this.each(due, 'DNSSEC signature refresh', async (zone) => ((await refreshSignatures(zone, now)) ? 'signatures refreshed' : null));
      const steps = await zonesWithKeyStepsDue(now, PER_TURN);
      await this.each(steps, 'DNSSEC key rollover step', (zone) => runKeyStep(zone, now));
      const seen = await kskRolloversSeenAtParent(PER_TURN);
      await this.each(seen, 'DNSSEC KSK rollover', async (zone) => `KSK ${(await rollKsk(zone, SIGNER, true, now)).keyTag}: the parent zone holds its DS; the old KSK retires`);
      const nextStep = await nextKeyStepAt();
      const moves = await endDueMoves(now, PER_TURN);
      if (moves.catalogs.length) this.log.info({ catalogs: moves.catalogs }, 'catalog moves: steps taken');
      // A zone that failed stays due: wait the full minute rather than retry it at once.
      if (this.failed) this.failed = false;
      else if (due.length === PER_TURN || steps.length === PER_TURN) sleep = 0;
      else for (const at of [next, nextStep, moves.next]) if (at) sleep = Math.max(MIN_SLEEP_MS, Math.min(sleep, at.getTime() - Date.now()));
    } catch (err) {
      this.log.error({ err: failureMessage(err) }, 'cannot read which zones need the signer');
    }
    this.schedule(sleep);
  }

  /** Runs `work` for each zone in turn; one zone's failure is logged and retried at a later turn. */
  private async each(zones: readonly string[], what: string, work: (zone: string) => Promise<string | null>): Promise<void> {
    for (const zone of zones) {
      if (this.stopped) return;
      try {
        const done = await work(zone);
        if (done) this.log.info({ zone, done }, what);
      } catch (err) {
        this.failed = true;
        this.log.error({ zone, err: failureMessage(err) }, `${what} failed; retrying in a minute`);
      }
    }
  }
}
