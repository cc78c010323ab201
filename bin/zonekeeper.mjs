#!/usr/bin/env node
// `zonekeeper` command: runs lib/cli/main.ts from its JavaScript bundle, built
// again first when a source changed (lib/cli/bundle.mjs); through tsx only
// when the bundle cannot be built.
import v8 from 'node:v8';
import { loadCli } from '../lib/cli/bundle.mjs';

// A command lasts well under a second: tiering Prisma's WebAssembly query
// compiler up to V8's optimizing compiler would only compete with the command
// for the CPU (~150 ms of CPU a `zone list`, measured with bench/cli.sh).
// Liftoff, V8's baseline compiler, runs it all; no other process is affected.
v8.setFlagsFromString('--no-wasm-tier-up');
v8.setFlagsFromString('--no-wasm-dynamic-tiering');

const cli = await loadCli();
process.exit(await cli.run(process.argv.slice(2)));
