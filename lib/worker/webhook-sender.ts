// Sends the webhook deliveries that lib/webhooks/transitions.ts writes with
// each replication transition (an outbox), from the read-write workers. A
// delivery is claimed with a lease (its nextAttemptAt moved ahead by a
// conditional update) so that of several workers on one database exactly one
// sends it; a worker that dies mid-send leaves it to be sent again once the
// lease ends (a receiver can drop a repeat by its X-Zonekeeper-Delivery id).
// A 2xx answer delivers it; anything else is retried at a doubling delay,
// until GIVE_UP_AFTER_MS after it was written, then it is marked failed.
// Deliveries are rare (a transition of a zone), so the claim is a statement
// per delivery on every database rather than SKIP LOCKED batches.
import { db } from '../db';
import { failureMessage } from '../db-errors';
import { daysBefore, deleteOldest, pruneBatch } from '../retention';
import { postDelivery, SEND_TIMEOUT_MS } from '../webhooks/send';
import type { Logger } from './logger';

export interface WebhookSenderOptions {
  /** Delay before the first retry; doubles each attempt up to maxBackoffMs. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** A delivery not accepted this long after it was written is marked failed. */
  giveUpAfterMs?: number;
  /** The longest one POST may take. */
  timeoutMs?: number;
}

const DEFAULTS: Required<WebhookSenderOptions> = { firstBackoffMs: 10_000, maxBackoffMs: 3_600_000, giveUpAfterMs: 86_400_000, timeoutMs: SEND_TIMEOUT_MS };
/** Deliveries claimed per round; a full round is sent before the next is claimed. */
const BATCH = 20;
/** The longest a poll trusts that nothing is due without asking the database again. */
const QUIET_MAX_MS = 60_000;
/** Sent and given-up deliveries stay in Settings' log this long. */
/** Days the log of deliveries no longer pending is kept. */
const KEEP_LOG_DAYS = 30;

/** The delay after the `attempts`-th failed attempt (1, 2, …). */
export function webhookBackoffMs(attempts: number, opts: Pick<Required<WebhookSenderOptions>, 'firstBackoffMs' | 'maxBackoffMs'> = DEFAULTS): number {
  return Math.min(opts.firstBackoffMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30), opts.maxBackoffMs);
}

export class WebhookSender {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Before this time (ms since the epoch) nothing is due, as of the last round; 0: not known. */
  private quietUntil = 0;
  private readonly opts: Required<WebhookSenderOptions>;

  constructor(
    private readonly log: Logger,
    opts: WebhookSenderOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Sends what is due now (new deliveries were written). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.round();
        } catch (err) {
          this.quietUntil = 0;
          this.log.error({ err: failureMessage(err) }, 'webhook deliveries not sent; trying again at the next poll');
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = null));
    return this.running;
  }

  /** The worker's poll: a round when a retry may be due. */
  poll(): Promise<void> {
    return Date.now() >= this.quietUntil ? this.kick() : Promise.resolve();
  }

  /** Stops claiming; waits for the POSTs under way (each bounded by its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async round(): Promise<void> {
    for (;;) {
      const now = new Date();
      const due = await db().webhookDelivery.findMany({
        where: { status: 'pending', nextAttemptAt: { lte: now } },
        orderBy: { nextAttemptAt: 'asc' },
        take: BATCH,
        include: { webhook: { select: { url: true, secret: true } } },
      });
      if (due.length === 0) {
        const next = await db().webhookDelivery.findFirst({ where: { status: 'pending' }, orderBy: { nextAttemptAt: 'asc' }, select: { nextAttemptAt: true } });
        this.quietUntil = Math.min(next?.nextAttemptAt.getTime() ?? Infinity, now.getTime() + QUIET_MAX_MS);
        return;
      }
      // The lease outlasts the POST: no other worker takes it while this one waits for an answer.
      const lease = new Date(now.getTime() + this.opts.timeoutMs * 3);
      const mine: typeof due = [];
      for (const d of due) {
        const { count } = await db().webhookDelivery.updateMany({ where: { id: d.id, status: 'pending', nextAttemptAt: d.nextAttemptAt }, data: { nextAttemptAt: lease } });
        if (count === 1) mine.push(d);
      }
      await Promise.all(mine.map((d) => this.attempt(d)));
      // The log grows only by what rounds send, so rounds that sent keep it to its window.
      if (mine.length > 0) await pruneLog(now);
      if (due.length < BATCH || this.stopped) return;
    }
  }

  private async attempt(d: { id: number; event: string; body: string; attempts: number; createdAt: Date; zoneName: string; webhook: { url: string; secret: string | null } }): Promise<void> {
    const outcome = await postDelivery(d.webhook, d, this.opts.timeoutMs);
    const attempts = d.attempts + 1;
    const now = new Date();
    if (outcome.ok) {
      await db().webhookDelivery.update({ where: { id: d.id }, data: { status: 'delivered', attempts, lastStatus: outcome.status, lastError: null, deliveredAt: now } });
      return;
    }
    const retryAt = now.getTime() + webhookBackoffMs(attempts, this.opts);
    const giveUp = retryAt > d.createdAt.getTime() + this.opts.giveUpAfterMs;
    await db().webhookDelivery.update({
      where: { id: d.id },
      data: { status: giveUp ? 'failed' : 'pending', attempts, lastStatus: outcome.status, lastError: outcome.error, nextAttemptAt: new Date(retryAt) },
    });
    this.log.warn({ zone: d.zoneName, url: d.webhook.url, attempts, err: outcome.error }, giveUp ? 'webhook delivery failed; giving up' : 'webhook delivery failed; will retry');
  }
}

/** Deletes deliveries no longer pending that were written more than KEEP_LOG_DAYS ago, a bounded batch a round. */
async function pruneLog(now: Date): Promise<void> {
  await deleteOldest(db().webhookDelivery, { status: { not: 'pending' }, createdAt: { lt: daysBefore(now, KEEP_LOG_DAYS) } }, { createdAt: 'asc' }, pruneBatch(0));
}
