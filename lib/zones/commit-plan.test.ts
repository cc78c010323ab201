// How the database runs a one-record commit, asked of SQLite itself (EXPLAIN
// QUERY PLAN of every statement the commit's transaction sent): no statement
// may walk a table, nor everything one zone holds, since a zone may have a
// million records and a long history of changes and NOTIFY jobs. Plans, not
// timings: the cost of a step that walks a zone shows only on a big zone.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSqlite, sqliteFile } from '../config/database-url';
import { statementTrace } from '../db';
import { applyChangeset, type Changeset } from './changes';
import { createZone } from './zone-lifecycle';

const Z = 'plan.test.';
const actor = { name: 'test' };

/** The SQL of every statement the transaction of `cs` ran, in order. */
async function statementsOf(cs: Changeset): Promise<string[]> {
  const statements: string[] = [];
  statementTrace.statements = statements;
  try {
    const r = await applyChangeset(Z, cs, actor);
    expect(r.changed).toBe(true);
  } finally {
    statementTrace.statements = null;
  }
  return statements;
}

let conn: Database.Database;

/** SQLite's plan for `sql`, one line per step ("SEARCH Record USING INDEX … (zoneId=? AND name=?)"). */
function planOf(sql: string): string[] {
  const st = conn.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  // The plan does not depend on the values: every parameter bound as NULL.
  const params = (sql.match(/\?/g) ?? []).map(() => null);
  return (st.all(...params) as { detail: string }[]).map((r) => r.detail);
}

/** The plan lines of a statement that walk a table, or all the rows of one zone in it. */
function walks(plan: string[]): string[] {
  return plan.filter((line) => /^SCAN (?!json_each\b)/.test(line) || /^SEARCH \S+ USING .*\(zoneId=\?\)$/.test(line));
}

describe.skipIf(!isSqlite())('a one-record commit, as SQLite runs it', () => {
  beforeAll(async () => {
    // Out-of-zone name servers: every commit queues NOTIFY jobs and supersedes the previous ones.
    await createZone({ name: Z, nameservers: ['ns1.elsewhere.example.', 'ns2.elsewhere.example.'] }, actor);
    await applyChangeset(Z, { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }, { name: 'mail', type: 'A', content: '192.0.2.25' }] }, actor);
    conn = new Database(sqliteFile(), { readonly: true });
  });

  afterAll(() => conn?.close());

  it.each<[string, Changeset]>([
    ['an address added', { add: [{ name: 'one', type: 'A', content: '192.0.2.7' }] }],
    ['an address deleted', { remove: [{ name: 'one', type: 'A' }] }],
    ['a CNAME added (what points at it is read)', { add: [{ name: 'alias', type: 'CNAME', content: `www.${Z}` }] }],
    ['an MX added (whether its target is a CNAME is read)', { add: [{ name: '@', type: 'MX', content: `10 mail.${Z}` }] }],
  ])('%s: walks no table, nor the zone', async (_, cs) => {
    const statements = (await statementsOf(cs)).filter((sql) => /^\s*(SELECT|UPDATE|DELETE|INSERT)\b/i.test(sql));
    expect(statements.length).toBeGreaterThan(5);
    const walking = statements.flatMap((sql) => walks(planOf(sql)).map((line) => `${line}   ← ${sql}`));
    expect(walking).toEqual([]);
  });

  // Regression: the zone's pending NOTIFY jobs were found along NotifyJob(zoneId), which walked every
  // job the zone ever had (one or more a commit): 46 ms a commit once a zone had 200,000.
  it('supersedes the pending NOTIFY jobs along an index of zone and state', async () => {
    const statements = await statementsOf({ add: [{ name: 'two', type: 'A', content: '192.0.2.8' }] });
    const supersede = statements.filter((sql) => /^UPDATE \S*NotifyJob\S* SET/.test(sql));
    expect(supersede).toHaveLength(1);
    expect(planOf(supersede[0]!)).toEqual([expect.stringMatching(/^SEARCH (main\.)?NotifyJob USING INDEX \S+ \(zoneId=\? AND state=\?\)$/)]);
  });
});
