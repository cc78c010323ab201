// Long work in a process that also answers DNS queries: the worker answers
// from its one event loop, so a loop over hundreds of thousands of records
// (applying a transfer, building a zone's snapshot) must hand the loop back
// now and then or no query is answered until it ends (issue 14, item 5).
//
// A TimeSlice lets the caller check cheaply, once per record, whether its
// slice of time is used up, and then gives the event loop a turn
// (setImmediate: pending I/O, such as the datagrams of waiting clients, runs
// first). Slicing by time rather than by count keeps each stall short on a
// busy machine too.

/** How long synchronous work may run before it gives the event loop a turn. */
export const SLICE_MS = 20;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** True once this slice has run past its budget: the caller should `await pause()`. */
  get due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Gives the event loop a turn and starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }

  /** Pauses only when the slice is used up; call it between units of work. */
  async maybePause(): Promise<void> {
    if (this.due) await this.pause();
  }

  /** Calls `fn` on every item, pausing whenever the slice is used up. */
  async forEach<T>(items: Iterable<T>, fn: (item: T) => void): Promise<void> {
    for (const item of items) {
      fn(item);
      if (this.due) await this.pause();
    }
  }
}
