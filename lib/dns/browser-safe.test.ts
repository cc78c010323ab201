// The record code the zone editor runs in the browser (client components import
// lib/zones/validate.ts, record-fields.ts and import-diff.ts, and through them rdata.ts) must
// load where there is no Node Buffer: nothing on that path may touch Buffer, or load the
// codec (wire.ts, dns-packet), at module load. Pinned after rdata.ts came to import wire.ts,
// whose scratch buffers are made at load, through the DNSSEC field helpers.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../testing/run-program';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BROWSER_REACHABLE = ['lib/zones/validate.ts', 'lib/zones/record-fields.ts', 'lib/zones/import-diff.ts', 'lib/dns/rdata.ts', 'lib/dns/dnssec/types.ts'];

describe('record code in the browser', () => {
  it('loads without Buffer and still validates content', async () => {
    const script = [
      'globalThis.Buffer = undefined;',
      ...BROWSER_REACHABLE.map((f) => `await import(${JSON.stringify(path.join(ROOT, f))});`),
      `const v = await import(${JSON.stringify(path.join(ROOT, 'lib/zones/validate.ts'))});`,
      "console.log(JSON.stringify(v.normalizeRecordContent('MX', '10 mail', 'x.test.')));",
    ].join('\n');
    const r = await runProgram(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('{"ok":true,"value":"10 mail.x.test."}');
  });
});
