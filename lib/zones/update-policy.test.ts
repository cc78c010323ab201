// A zone's DNS UPDATE policy: reading the rules an admin types (each mistake
// named with its line), deciding what a key may change as BIND 9.18 does, and
// keeping the rules with the zone through setZoneOptions.
import { describe, expect, it } from 'vitest';
import { createUser } from '../auth/users';
import { db } from '../db';
import { AppError } from '../errors';
import { expectAppError } from '../testing/app-error';
import { createTsigKey, deleteTsigKey, listTsigKeys } from './tsig-keys';
import { formatUpdateRule, parseUpdatePolicy, readUpdatePolicy, updateRefusal, type UpdateRule } from './update-policy';
import { createZone, setZoneOptions } from './zone-lifecycle';

const ZONE = 'example.test.';
const KEYS = new Set(['acme.', 'dhcp.', 'admin.']);

function parse(lines: string[], keys: ReadonlySet<string> = KEYS): UpdateRule[] {
  return parseUpdatePolicy(lines, ZONE, keys);
}

/** The field errors parseUpdatePolicy refuses `lines` with. */
function errorsOf(lines: string[], keys: ReadonlySet<string> = KEYS): string[] {
  try {
    parse(lines, keys);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid');
    return (err as AppError).fieldErrors.updatePolicy ?? [];
  }
  throw new Error('the policy was accepted');
}

const allowed = (rules: UpdateRule[], key: string, name: string, type: string) => updateRefusal(rules, key, ZONE, { name, type }) === null;

describe('parseUpdatePolicy', () => {
  it('reads each kind of rule, names relative to the zone made absolute, types canonical', () => {
    expect(
      parse([
        'grant acme subdomain _acme-challenge TXT',
        '',
        'deny DHCP. name @ a aaaa a',
        'grant dhcp. wildcard *.hosts.example.test. A AAAA TYPE16',
        'grant admin. zonesub ANY;',
      ]),
    ).toEqual([
      { action: 'grant', key: 'acme.', match: 'subdomain', name: '_acme-challenge.example.test.', types: ['TXT'] },
      { action: 'deny', key: 'dhcp.', match: 'name', name: 'example.test.', types: ['A', 'AAAA'] },
      { action: 'grant', key: 'dhcp.', match: 'wildcard', name: '*.hosts.example.test.', types: ['A', 'AAAA', 'TXT'] },
      { action: 'grant', key: 'admin.', match: 'zonesub', name: '', types: ['ANY'] },
    ]);
  });

  it('formats each rule as a line that reads back to the same rule', () => {
    const rules = parse(['grant acme. subdomain _acme-challenge TXT', 'deny dhcp. name www', 'grant dhcp. wildcard *.hosts A', 'grant admin. zonesub']);
    const lines = rules.map((r) => formatUpdateRule(r, ZONE));
    expect(lines).toEqual([
      'grant acme. subdomain _acme-challenge.example.test. TXT',
      'deny dhcp. name www.example.test.',
      'grant dhcp. wildcard *.hosts.example.test. A',
      'grant admin. zonesub',
    ]);
    expect(parse(lines)).toEqual(rules);
  });

  it('names the line and the fault of every bad rule, counting blank lines', () => {
    expect(
      errorsOf([
        'allow acme. zonesub',
        '',
        'grant nobody. zonesub TXT',
        'grant acme. everywhere TXT',
        'grant acme. subdomain',
        'grant acme. name www.other.test. TXT',
        'grant acme. wildcard www TXT',
        'grant acme. name www NOPE',
        'grant acme. zonesub example.test. TXT',
        'grant acme. name www OPT',
        'grant',
      ]),
    ).toEqual([
      'line 1: a rule starts with grant or deny, not "allow"',
      'line 3: there is no TSIG key nobody.; create it first with: zonekeeper tsig add nobody. hmac-sha256',
      'line 4: the match must be name, subdomain, wildcard or zonesub, not "everywhere"',
      'line 5: subdomain needs a NAME, absolute or relative to example.test.',
      'line 6: www.other.test. is outside the zone example.test.',
      'line 7: a wildcard rule needs a NAME starting with "*." (like *.example.test.), not www.example.test.',
      'line 8: "NOPE" is not a record type',
      'line 9: "example.test." is not a record type (zonesub takes no NAME: it covers the whole zone)',
      'line 10: "OPT" is not a record type',
      'line 11: grant needs a KEY, a MATCH (name, subdomain, wildcard or zonesub) and a NAME',
    ]);
  });

  it('says what is wrong in its message when one line is', () => {
    expect(() => parse(['grant acme. zonesub', 'grant ghost. zonesub'])).toThrow('update policy line 2: there is no TSIG key ghost.');
  });

  it('reads no lines, or only blank ones, as no rules', () => {
    expect(parse([])).toEqual([]);
    expect(parse(['', '   '])).toEqual([]);
  });
});

describe('updateRefusal', () => {
  it('name: only the name itself', () => {
    const rules = parse(['grant dhcp. name host TXT']);
    expect(allowed(rules, 'dhcp.', 'host.example.test.', 'TXT')).toBe(true);
    expect(allowed(rules, 'dhcp.', 'a.host.example.test.', 'TXT')).toBe(false);
    expect(allowed(rules, 'dhcp.', 'other.example.test.', 'TXT')).toBe(false);
  });

  it('subdomain: the name and everything below it, nothing beside it', () => {
    const rules = parse(['grant acme. subdomain _acme-challenge TXT']);
    expect(allowed(rules, 'acme.', '_acme-challenge.example.test.', 'TXT')).toBe(true);
    expect(allowed(rules, 'acme.', 'www._acme-challenge.example.test.', 'TXT')).toBe(true);
    expect(allowed(rules, 'acme.', 'x_acme-challenge.example.test.', 'TXT')).toBe(false);
    expect(allowed(rules, 'acme.', 'example.test.', 'TXT')).toBe(false);
  });

  it('wildcard: one or more labels in place of the *, never the name without them', () => {
    const rules = parse(['grant dhcp. wildcard *.hosts A']);
    expect(allowed(rules, 'dhcp.', 'pc1.hosts.example.test.', 'A')).toBe(true);
    expect(allowed(rules, 'dhcp.', 'a.pc1.hosts.example.test.', 'A')).toBe(true);
    expect(allowed(rules, 'dhcp.', 'hosts.example.test.', 'A')).toBe(false);
    expect(allowed(rules, 'dhcp.', 'pc1.xhosts.example.test.', 'A')).toBe(false);
  });

  it('zonesub: every name in the zone, none outside it', () => {
    const rules = parse(['grant admin. zonesub']);
    expect(allowed(rules, 'admin.', 'example.test.', 'MX')).toBe(true);
    expect(allowed(rules, 'admin.', 'deep.down.example.test.', 'A')).toBe(true);
    expect(updateRefusal(rules, 'admin.', ZONE, { name: 'www.other.test.', type: 'A' })).toBe('key admin. may not change A at www.other.test.: the name is outside the zone example.test.');
  });

  it('without TYPES grants all but SOA, NS and the DNSSEC types, and says how to grant those', () => {
    const rules = parse(['grant admin. zonesub']);
    for (const t of ['A', 'TXT', 'CNAME', 'DS', 'DNSKEY', 'TYPE65280']) expect(allowed(rules, 'admin.', 'x.example.test.', t)).toBe(true);
    for (const t of ['SOA', 'NS', 'RRSIG', 'NSEC', 'NSEC3']) expect(allowed(rules, 'admin.', 'example.test.', t)).toBe(false);
    expect(updateRefusal(rules, 'admin.', ZONE, { name: 'example.test.', type: 'NS' })).toBe(
      'key admin. may not change NS at example.test.: no rule of the update policy of example.test. grants it (a rule without TYPES leaves out SOA, NS, RRSIG, NSEC, NSEC3: name NS to grant it)',
    );
  });

  it('ANY grants every type but NSEC and NSEC3; a listed type only itself', () => {
    const any = parse(['grant admin. zonesub ANY']);
    for (const t of ['SOA', 'NS', 'RRSIG', 'A']) expect(allowed(any, 'admin.', 'example.test.', t)).toBe(true);
    expect(allowed(any, 'admin.', 'example.test.', 'NSEC3')).toBe(false);
    expect(updateRefusal(any, 'admin.', ZONE, { name: 'example.test.', type: 'NSEC' })).toMatch(/NSEC records are made by the server and are never updated$/);
    const txt = parse(['grant acme. zonesub TXT SOA']);
    expect(allowed(txt, 'acme.', 'example.test.', 'SOA')).toBe(true);
    expect(allowed(txt, 'acme.', 'example.test.', 'TYPE16')).toBe(true);
    expect(allowed(txt, 'acme.', 'example.test.', 'A')).toBe(false);
  });

  it('lets the first matching rule decide, so a deny before a grant wins and one after it does not', () => {
    const denyFirst = parse(['deny dhcp. name www A', 'grant dhcp. zonesub']);
    expect(updateRefusal(denyFirst, 'dhcp.', ZONE, { name: 'www.example.test.', type: 'A' })).toBe(
      'key dhcp. may not change A at www.example.test.: refused by the rule "deny dhcp. name www.example.test. A"',
    );
    expect(allowed(denyFirst, 'dhcp.', 'www.example.test.', 'AAAA')).toBe(true);
    expect(allowed(denyFirst, 'dhcp.', 'mail.example.test.', 'A')).toBe(true);
    const grantFirst = parse(['grant dhcp. zonesub', 'deny dhcp. name www A']);
    expect(allowed(grantFirst, 'dhcp.', 'www.example.test.', 'A')).toBe(true);
  });

  it('grants only the key a rule names: another key, or a key of another zone’s policy, is refused', () => {
    const rules = parse(['grant acme. subdomain _acme-challenge TXT']);
    expect(updateRefusal(rules, 'dhcp.', ZONE, { name: '_acme-challenge.example.test.', type: 'TXT' })).toBe(
      'key dhcp. may not change TXT at _acme-challenge.example.test.: no rule of the update policy of example.test. grants it',
    );
    // acme. is granted in example.test., not in other.test., whose policy is its own (here none).
    expect(updateRefusal([], 'acme.', 'other.test.', { name: '_acme-challenge.other.test.', type: 'TXT' })).toMatch(/no rule of the update policy of other\.test\. grants it$/);
    expect(updateRefusal(rules, 'acme.', 'other.test.', { name: '_acme-challenge.other.test.', type: 'TXT' })).not.toBeNull();
  });

  it('matches names and keys whatever their case', () => {
    const rules = parse(['grant acme. name www TXT']);
    expect(updateRefusal(rules, 'ACME', ZONE, { name: 'WWW.Example.Test.', type: 'txt' })).toBeNull();
  });

  it('deleting every RRset at a name needs each type there granted, RRSIG and NSEC going along (BIND ssu_checkall)', () => {
    const rules = parse(['grant dhcp. name host']);
    const all = { name: 'host.example.test.', type: 'ANY' };
    expect(updateRefusal(rules, 'dhcp.', ZONE, all, ['A', 'TXT', 'RRSIG', 'NSEC'])).toBeNull();
    expect(updateRefusal(rules, 'dhcp.', ZONE, all, [])).toBeNull();
    expect(updateRefusal(rules, 'dhcp.', ZONE, all, ['A', 'NS'])).toMatch(/^key dhcp\. may not change NS at host\.example\.test\.: .*\(deleting every RRset at host\.example\.test\. needs each of its types granted\)$/);
    // Not knowing what is there, only a rule that lists ANY grants it.
    expect(updateRefusal(rules, 'dhcp.', ZONE, all)).not.toBeNull();
    expect(updateRefusal(parse(['grant dhcp. name host ANY']), 'dhcp.', ZONE, all)).toBeNull();
  });
});

describe('the update policy of a zone, stored', () => {
  const actor = { name: 'tester' };

  it('is replaced by setZoneOptions, read back by the worker, and cleared by an empty list', async () => {
    await createZone({ name: 'policy.test', nameservers: ['ns1.policy.test.'] }, actor);
    await createTsigKey('acme-key', 'hmac-sha256');
    await createTsigKey('admin-key', 'hmac-sha256');
    expect(await readUpdatePolicy('policy.test.')).toEqual([]);

    await setZoneOptions('policy.test', { updatePolicy: ['grant acme-key subdomain _acme-challenge TXT', 'grant admin-key zonesub ANY'] }, actor);
    const rules = await readUpdatePolicy('POLICY.test');
    expect(rules.map((r) => formatUpdateRule(r, 'policy.test.'))).toEqual(['grant acme-key. subdomain _acme-challenge.policy.test. TXT', 'grant admin-key. zonesub ANY']);
    expect(updateRefusal(rules, 'acme-key.', 'policy.test.', { name: '_acme-challenge.policy.test.', type: 'TXT' })).toBeNull();

    // Another option leaves the policy as it is; a new list replaces it.
    await setZoneOptions('policy.test', { serialPolicy: 'date' }, actor);
    expect(await readUpdatePolicy('policy.test.')).toHaveLength(2);
    await setZoneOptions('policy.test', { updatePolicy: ['deny acme-key name www'] }, actor);
    expect((await readUpdatePolicy('policy.test.')).map((r) => r.action)).toEqual(['deny']);

    await setZoneOptions('policy.test', { updatePolicy: [] }, actor);
    expect(await readUpdatePolicy('policy.test.')).toEqual([]);
    expect((await db().zone.findUnique({ where: { name: 'policy.test.' } }))?.updatePolicy).toBeNull();
  });

  it('is not changed by a policy with a bad line, nor by someone who may not configure the zone', async () => {
    await createZone({ name: 'kept.test', nameservers: ['ns1.kept.test.'] }, actor);
    await createTsigKey('kept-key', 'hmac-sha256');
    await setZoneOptions('kept.test', { updatePolicy: ['grant kept-key zonesub TXT'] }, actor);

    const bad = await expectAppError(setZoneOptions('kept.test', { updatePolicy: ['grant kept-key zonesub A', 'grant missing-key zonesub A'] }, actor), 'invalid');
    expect(bad.fieldErrors.updatePolicy).toEqual(['line 2: there is no TSIG key missing-key.; create it first with: zonekeeper tsig add missing-key. hmac-sha256']);

    const editor = await createUser('policy-editor', 'a-long-enough-password', 'editor');
    const refused = await expectAppError(setZoneOptions('kept.test', { updatePolicy: [] }, { userId: editor.id, name: editor.name }), 'forbidden');
    expect(refused.message).toMatch(/update policy; ask an admin/);

    expect((await readUpdatePolicy('kept.test.')).map((r) => formatUpdateRule(r, 'kept.test.'))).toEqual(['grant kept-key. zonesub TXT']);
  });

  it('is refused for a secondary zone, which takes no UPDATE', async () => {
    await createZone({ name: 'second.test', kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    await createTsigKey('second-key', 'hmac-sha256');
    const err = await expectAppError(setZoneOptions('second.test', { updatePolicy: ['grant second-key zonesub'] }, actor), 'invalid');
    expect(err.fieldErrors.updatePolicy?.[0]).toMatch(/second\.test\. is a secondary zone/);
    expect(await readUpdatePolicy('second.test.')).toEqual([]);
  });

  it('keeps a key from being deleted while a rule names it', async () => {
    await createZone({ name: 'keyed.test', nameservers: ['ns1.keyed.test.'] }, actor);
    await createTsigKey('keyed-key', 'hmac-sha256');
    await createTsigKey('keyed-key2', 'hmac-sha256');
    await setZoneOptions('keyed.test', { updatePolicy: ['grant keyed-key2 zonesub', 'deny keyed-key name www'] }, actor);
    const err = await expectAppError(deleteTsigKey('keyed-key'), 'conflict');
    expect(err.message).toBe('TSIG key keyed-key. is named in the update policy of keyed.test.; take its rules out first with: zonekeeper zone set ZONE --update-policy …');
    await setZoneOptions('keyed.test', { updatePolicy: ['grant keyed-key2 zonesub'] }, actor);
    await deleteTsigKey('keyed-key');
    expect((await listTsigKeys()).map((k) => k.name)).not.toContain('keyed-key.');
  });

  it('is an empty policy for a zone that does not exist', async () => {
    expect(await readUpdatePolicy('nowhere.test.')).toEqual([]);
  });
});
