// How a DNS worker process is started (`npm run worker` says the same in
// package.json): Node runs lib/bundle-entry.mjs, which runs lib/worker/main.ts
// from its bundle.
//
// --no-memory-reducer: V8's memory reducer runs a full collection of the
// whole heap some 30 s after a busy period ends, to give memory back to the
// operating system (made for browser tabs in the background). After a load
// the worker has already collected its garbage (heap.ts), so with 50,000
// zones that second collection only cost 0.7 s of CPU over the idle seconds
// that followed (5 % of a core over 15 s; measured 2026-12-06). V8 reads the
// flag only as the process starts.
export const WORKER_NODE_ARGS = ['--no-memory-reducer', 'lib/bundle-entry.mjs', 'lib/worker/main.ts'] as const;
