// `zonekeeper` commands run one after another in this one process, each
// exactly as bin/zonekeeper.mjs runs one (lib/cli/main.ts run(), with its own
// database client, opened and closed), for tests that need hundreds of them:
// each process start costs more than the command itself (Node, the bundle,
// Prisma's WebAssembly query compiler; bench/cli.sh). The commands come as
// JSON (an array of argument lists) in ZK_CLI_RUNS; the exit status is the
// number of commands that failed (at most 100), their messages on stderr.
import { run } from '../cli/main';

const commands = JSON.parse(process.env.ZK_CLI_RUNS ?? '[]') as string[][];
let failed = 0;
for (const argv of commands) if ((await run(argv)) !== 0) failed++;
process.exit(Math.min(failed, 100));
