// How a DNS worker process is started (`npm run worker` in package.json says
// the same, and bench/qps.sh and bench/qps-profile.sh read it from there):
// Node runs lib/bundle-entry.mjs, which runs lib/worker/main.ts from its
// bundle.
//
// --no-memory-reducer: V8's memory reducer runs a full collection of the
// whole heap some 30 s after a busy period ends, to give memory back to the
// operating system (made for browser tabs in the background). After a load
// the worker has already collected its garbage (heap.ts), so with 50,000
// zones that second collection only cost 0.7 s of CPU over the idle seconds
// that followed (5 % of a core over 15 s; measured 2026-12-06). V8 reads the
// flag only as the process starts.
//
// --liftoff-only: V8 compiles WebAssembly with its fast baseline compiler
// only. Prisma's query compiler is WebAssembly; with V8's default tiering its
// functions that turn hot are compiled again by the optimizing compiler on
// helper threads, a little more with each query the worker makes while idle
// (polls, probes). That took 0.3–0.5 % of a core over the first minute after
// a start with 50,000 zones, about half of all the idle worker's CPU
// (measured 2026-12-06 with perf). The worker's bulk reads do not go through
// Prisma (lib/zones/load-reads.ts), and its few queries do not need the
// faster code.
//
// --single-threaded: V8 collects garbage and compiles on the thread that runs
// the JavaScript, not on helper threads of its own. By default each isolate
// (the main thread, each answer and load thread) hands parallel scavenges,
// concurrent marking and optimizing compiles to a pool of 4 helper threads;
// on 2 cores already busy with the worker's own threads (and, on one machine,
// the database server), that pool took 2.7 s of the 9 s of CPU a 50,000-zone
// start on PostgreSQL cost. Without it
// the start took 8.1–8.8 s of CPU and every zone answered after 5.9–6.2 s,
// against 9.0–9.7 s and 6.2–6.5 s with it (four alternating starts each,
// 2026-12-07); one query costs 6.6 µs of CPU against 7.0 (bench/qps.sh, per
// core), and the process holds about 30 MB less.
export const WORKER_NODE_ARGS = ['--single-threaded', '--no-memory-reducer', '--liftoff-only', 'lib/bundle-entry.mjs', 'lib/worker/main.ts'] as const;
