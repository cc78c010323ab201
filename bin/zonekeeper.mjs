#!/usr/bin/env node
// `zonekeeper` command: runs lib/cli/main.ts from its JavaScript bundle, built
// again first when a source changed (lib/cli/bundle.mjs); through tsx only
// when the bundle cannot be built.
import { loadCli } from '../lib/cli/bundle.mjs';

const cli = await loadCli();
process.exit(await cli.run(process.argv.slice(2)));
