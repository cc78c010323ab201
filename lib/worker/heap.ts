// Gives back the memory a big load leaves behind. Reading a million records
// makes hundreds of megabytes of short-lived objects; V8 collects them, but
// keeps the heap it grew for them until its memory reducer runs, tens of
// seconds later (a one-process worker with a 1,000,000-record zone stayed at
// 342 MB for over 10 s after serving, then fell to 252 MB; measured
// 2026-12-05). A full collection right after the load returns it at once.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null = null;

/** A full garbage collection now (V8's gc(), exposed for this). */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
