// Refusals are logged and recorded so operators can see them, but a flood of
// refused requests must not become a flood of log lines and database writes:
// at most `burst` per window, then one line saying how many were suppressed.
import type { Logger } from './logger';

export class RefusalLog {
  private windowStart = 0;
  private used = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly burst = 20,
    private readonly windowMs = 10_000,
    /** What was not logged, in the summary line. */
    private readonly what = 'refusals',
  ) {}

  /** True when this refusal may be logged and recorded. */
  admit(now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.log.warn({ suppressed: this.suppressed, windowMs: this.windowMs }, `more ${this.what} were not logged`);
      this.windowStart = now;
      this.used = 0;
      this.suppressed = 0;
    }
    if (this.used < this.burst) {
      this.used++;
      return true;
    }
    this.suppressed++;
    return false;
  }
}
