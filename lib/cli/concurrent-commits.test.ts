// Found by a user: eight shell loops of 25 `zonekeeper record add` on one zone,
// side by side; 198 of 200 applied and 2 exited with
// "PrismaClientKnownRequestError … Operation has timed out" and a stack trace
// (SQLite's busy lock under Prisma's name, which the lock retry did not know).
// Eight processes run the 25 commands each, one after another, through the
// CLI's own entry (lib/testing/cli-runs.ts): the same code and the same
// database traffic per command, without 200 process starts (when this test was
// written, 1–2 s of CPU each under tsx: several minutes on a 2-core machine).
import path from 'node:path';
import { expect, it } from 'vitest';
import { db } from '../db';
import { runProgram } from '../testing/run-program';
import { createZone } from '../zones/zone-lifecycle';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI_RUNS = path.join(ROOT, 'lib/testing/cli-runs.ts');
const Z = 'burst.test.';
const LOOPS = 8;
const EACH = 25;

it(`${LOOPS} concurrent loops of ${EACH} \`record add\` on one zone all apply: serial +${LOOPS * EACH}, ${LOOPS * EACH} changelog entries`, async () => {
  await createZone({ name: Z, nameservers: ['ns1.example.net.'] }, { name: 'test' });
  const zone = await db().zone.findUniqueOrThrow({ where: { name: Z } });
  const loop = (l: number) =>
    Array.from({ length: EACH }, (_, i) => ['record', 'add', 'burst.test', `h${l}-${i}`, 'A', '300', `192.0.2.${i + 1}`]);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: LOOPS }, (_, l) =>
      runProgram(process.execPath, ['--import', 'tsx', CLI_RUNS], {
        cwd: ROOT,
        env: { ...process.env, ZK_CLI_RUNS: JSON.stringify(loop(l)) },
        timeoutMs: 170_000,
      }),
    ),
  );
  for (const r of results) {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }
  const after = await db().zone.findUniqueOrThrow({ where: { id: zone.id } });
  expect(Number(after.serial)).toBe(Number(zone.serial) + LOOPS * EACH);
  expect(await db().change.count({ where: { zoneId: zone.id, actor: 'cli' } })).toBe(LOOPS * EACH);
  expect(await db().record.count({ where: { zoneId: zone.id, type: 'A' } })).toBe(LOOPS * EACH);
  console.log(`${LOOPS * EACH} commits from ${LOOPS} processes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 180_000);
