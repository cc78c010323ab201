// What a benchmark started, stopped in reverse order when it ends, fails or is
// interrupted (SIGINT, SIGTERM), and its work folder removed: a run never
// leaves a named, a worker or a temporary database behind.
import fs from 'node:fs';

export interface Cleanup {
  /** Stops `stop` with the rest, in reverse order of registration. */
  add(stop: () => Promise<unknown>): void;
  /** Stops everything registered and removes the work folder; runs once however often it is called. */
  run(): Promise<void>;
}

export function cleanupOnExit(workDir: string): Cleanup {
  const stops: (() => Promise<unknown>)[] = [];
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= (async () => {
      for (const stop of stops.splice(0).reverse()) await stop().catch((err: Error) => console.error(`cleanup: ${err.message}`));
      fs.rmSync(workDir, { recursive: true, force: true });
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what this benchmark started`);
      void run().then(() => process.exit(130));
    });
  }
  return { add: (stop) => void stops.push(stop), run };
}
