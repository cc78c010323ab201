// A zone's dynamic update policy: which TSIG key may change which names and
// types with DNS UPDATE (RFC 2136), written as BIND 9.18's `update-policy`
// grant/deny rules, one per line. Parsed and checked when an admin sets it
// (lib/zones/zone-lifecycle.ts setZoneOptions), stored as the formatted lines
// in Zone.updatePolicy, read back by the worker for each UPDATE and matched
// record by record before the change service applies anything.
//
// The rule kinds are BIND's `name`, `subdomain`, `wildcard` and `zonesub`
// only: the Kerberos, `self` and address-based kinds need identities we do
// not have. As in BIND (ARM, "update-policy"), rules are tried in order and
// the first whose key, name and type all match decides; when none matches,
// the update is refused.
import { db } from '../db';
import { absoluteName, canonicalName, DnsNameError, isInZone } from '../dns/names';
import { canonicalKeyName } from '../dns/tsig';
import type { UpdateRecord } from '../dns/update-types';
import { typeCodeOf, typeNameOf } from '../dns/wire';
import { AppError } from '../errors';

export type UpdateRuleMatch = 'name' | 'subdomain' | 'wildcard' | 'zonesub';

export interface UpdateRule {
  action: 'grant' | 'deny';
  /** The TSIG key's name, canonical (lowercase, final dot). */
  key: string;
  match: UpdateRuleMatch;
  /** Absolute, lowercase, inside the zone; a `*.` pattern for `wildcard`; '' for `zonesub`. */
  name: string;
  /** Upper-case mnemonics (`TYPEnnn` for types without one), `ANY` included; [] means BIND's default set. */
  types: string[];
}

/** The field setZoneOptions reports policy errors under, for the settings form. */
export const UPDATE_POLICY_FIELD = 'updatePolicy';

const MATCHES: readonly UpdateRuleMatch[] = ['name', 'subdomain', 'wildcard', 'zonesub'];

// BIND 9.18 ARM, update-policy: a rule without types matches every type but
// RRSIG, NS, SOA, NSEC and NSEC3; `ANY` matches every type but NSEC and NSEC3,
// which can never be updated (the server computes them).
const NOT_BY_DEFAULT = new Set(['SOA', 'NS', 'RRSIG', 'NSEC', 'NSEC3']);
const NEVER = new Set(['NSEC', 'NSEC3']);

// Codes that are never the type of a record in a zone: 0, OPT (RFC 6891) and
// the meta and query types TKEY … MAILA (RFC 6895 §3.1); ANY (255) is read
// before these are looked at.
function isDataTypeCode(code: number): boolean {
  return code !== 0 && code !== 41 && !(code >= 249 && code <= 255);
}

/**
 * A type as rules and records are compared: its mnemonic when the codec has
 * one, `TYPEnnn` otherwise (RFC 3597 §5), so `TYPE16` and `TXT` are one type.
 * Null for text that names no data type.
 */
function canonicalType(text: string): string | null {
  const upper = text.toUpperCase();
  if (upper === 'ANY') return 'ANY';
  if (upper.startsWith('UNKNOWN_')) return null;
  let code: number;
  try {
    code = typeCodeOf(upper);
  } catch {
    return null;
  }
  if (!isDataTypeCode(code)) return null;
  const name = typeNameOf(code);
  return name.startsWith('UNKNOWN_') ? `TYPE${code}` : name;
}

/** `*.` followed by a name: BIND refuses a `wildcard` rule whose NAME is not a wildcard. */
function isWildcardName(name: string): boolean {
  return name.startsWith('*.');
}

/**
 * BIND's wildcard match (dns_name_matcheswildcard): the `*` stands for one or
 * more labels, so `*.example.test.` matches `a.example.test.` and
 * `b.a.example.test.` but not `example.test.` itself.
 */
function matchesWildcard(owner: string, pattern: string): boolean {
  const base = pattern.slice(2);
  return base === '.' ? owner !== '.' : owner.endsWith(`.${base}`);
}

function nameMatches(rule: UpdateRule, owner: string, zone: string): boolean {
  switch (rule.match) {
    case 'name':
      return owner === rule.name;
    case 'subdomain':
      return isInZone(owner, rule.name);
    case 'wildcard':
      return matchesWildcard(owner, rule.name);
    case 'zonesub':
      return isInZone(owner, zone);
  }
}

function typeMatches(rule: UpdateRule, type: string): boolean {
  if (NEVER.has(type)) return false;
  if (rule.types.length === 0) return !NOT_BY_DEFAULT.has(type);
  return rule.types.includes('ANY') || rule.types.includes(type);
}

class LineError extends Error {}

/** Parses one rule; throws LineError saying what is wrong. `knownKeys` null: the key is not looked up. */
function parseRule(line: string, zone: string, knownKeys: ReadonlySet<string> | null): UpdateRule {
  // A rule pasted from named.conf ends with a semicolon.
  const words = line.trim().replace(/\s*;$/, '').split(/\s+/);
  const [actionWord, keyWord, matchWord, ...rest] = words;
  const action = actionWord?.toLowerCase();
  if (action !== 'grant' && action !== 'deny') {
    throw new LineError(`a rule starts with grant or deny, not "${actionWord}"`);
  }
  if (!keyWord) throw new LineError(`${action} needs a KEY, a MATCH (name, subdomain, wildcard or zonesub) and a NAME`);
  let key: string;
  try {
    key = canonicalKeyName(keyWord);
  } catch (err) {
    throw new LineError(`"${keyWord}" is not a key name: ${(err as Error).message}`);
  }
  if (knownKeys && !knownKeys.has(key)) {
    throw new LineError(`there is no TSIG key ${key}; create it first with: zonekeeper tsig add ${key} hmac-sha256`);
  }
  const match = matchWord?.toLowerCase() as UpdateRuleMatch | undefined;
  if (!match || !MATCHES.includes(match)) {
    throw new LineError(`the match must be name, subdomain, wildcard or zonesub, not ${matchWord ? `"${matchWord}"` : 'nothing'}`);
  }
  let name = '';
  let typeWords = rest;
  if (match !== 'zonesub') {
    const [nameWord, ...types] = rest;
    if (!nameWord) throw new LineError(`${match} needs a NAME, absolute or relative to ${zone}`);
    try {
      name = canonicalName(nameWord, zone);
    } catch (err) {
      if (!(err instanceof DnsNameError)) throw err;
      throw new LineError(err.message);
    }
    if (!isInZone(name, zone)) throw new LineError(`${name} is outside the zone ${zone}`);
    if (match === 'wildcard' && !isWildcardName(name)) {
      throw new LineError(`a wildcard rule needs a NAME starting with "*." (like *.${zone}), not ${name}`);
    }
    typeWords = types;
  }
  const types: string[] = [];
  for (const word of typeWords) {
    const type = canonicalType(word);
    if (type === null) {
      const hint = match === 'zonesub' && /[.@]/.test(word) ? ' (zonesub takes no NAME: it covers the whole zone)' : '';
      throw new LineError(`"${word}" is not a record type${hint}`);
    }
    if (!types.includes(type)) types.push(type);
  }
  return { action, key, match, name, types };
}

function parseLines(lines: readonly string[], zone: string, knownKeys: ReadonlySet<string> | null): { rules: UpdateRule[]; errors: string[] } {
  const rules: UpdateRule[] = [];
  const errors: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      rules.push(parseRule(line, zone, knownKeys));
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      errors.push(`line ${i + 1}: ${err.message}`);
    }
  });
  return { rules, errors };
}

/**
 * Reads a zone's policy as typed, one rule per line (blank lines skipped;
 * line numbers count them, so they match a textarea's):
 *
 *   (grant|deny) KEY (name|subdomain|wildcard) NAME [TYPE …]
 *   (grant|deny) KEY zonesub [TYPE …]
 *
 * NAME is absolute or relative to `zone` (`@` is the apex) and must lie in
 * it; KEY must be in `knownKeys` (canonical key names). Throws
 * AppError('invalid') whose field errors (under `updatePolicy`) give each bad
 * line's number and what is wrong; nothing is returned half-read.
 */
export function parseUpdatePolicy(lines: readonly string[], zone: string, knownKeys: ReadonlySet<string>): UpdateRule[] {
  const origin = absoluteName(zone);
  const { rules, errors } = parseLines(lines, origin, knownKeys);
  if (errors.length === 1) throw new AppError('invalid', `update policy ${errors[0]}`, { [UPDATE_POLICY_FIELD]: errors });
  if (errors.length > 1) throw new AppError('invalid', `The update policy has ${errors.length} lines to fix.`, { [UPDATE_POLICY_FIELD]: errors });
  return rules;
}

/** One rule as a line parseUpdatePolicy reads back to the same rule; names absolute. */
export function formatUpdateRule(rule: UpdateRule, _zone: string): string {
  return [rule.action, rule.key, rule.match, ...(rule.match === 'zonesub' ? [] : [rule.name]), ...rule.types].join(' ');
}

function lowerAbsolute(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/**
 * Whether the UPDATE signed with `key` may make the change `record` (its
 * owner and type) in `zone` under `rules`: null when a grant rule is the
 * first to match, else a sentence for the refusal event naming the key, the
 * name and type, and the deny rule that matched or that no rule grants it.
 * The record's class does not matter: an addition, the deletion of one record
 * and the deletion of an RRset are checked alike, by owner and type, as BIND
 * checks them for these rule kinds.
 *
 * A deletion of every RRset at a name (type ANY in the update, RFC 2136
 * §2.5.3): BIND checks the rules once for each RRset that exists at the name,
 * leaving out RRSIG and NSEC, which go with the data they cover (lib/ns/update.c
 * ssu_checkall). Pass the types at the name as `existingTypes` to get exactly
 * that (nothing there: allowed, as there is nothing to delete). Without them
 * we cannot know what would go, so only a rule listing type ANY grants it.
 */
export function updateRefusal(
  rules: readonly UpdateRule[],
  key: string,
  zone: string,
  record: Pick<UpdateRecord, 'name' | 'type'>,
  existingTypes?: readonly string[],
): string | null {
  const signer = lowerAbsolute(key);
  const origin = lowerAbsolute(zone);
  const owner = lowerAbsolute(record.name);
  const type = canonicalType(record.type) ?? record.type.toUpperCase();
  if (type === 'ANY' && existingTypes) {
    for (const existing of existingTypes) {
      const t = canonicalType(existing) ?? existing.toUpperCase();
      if (t === 'RRSIG' || t === 'NSEC') continue;
      const refused = refusalFor(rules, signer, origin, owner, t);
      if (refused) return `${refused} (deleting every RRset at ${owner} needs each of its types granted)`;
    }
    return null;
  }
  return refusalFor(rules, signer, origin, owner, type);
}

function refusalFor(rules: readonly UpdateRule[], signer: string, zone: string, owner: string, type: string): string | null {
  const what = `key ${signer} may not change ${type} at ${owner}`;
  if (!isInZone(owner, zone)) return `${what}: the name is outside the zone ${zone}`;
  for (const rule of rules) {
    if (rule.key !== signer || !nameMatches(rule, owner, zone)) continue;
    // ANY as a record's type (the whole name) is matched only by a rule listing ANY.
    const typeOk = type === 'ANY' ? rule.types.includes('ANY') : typeMatches(rule, type);
    if (!typeOk) continue;
    if (rule.action === 'grant') return null;
    return `${what}: refused by the rule "${formatUpdateRule(rule, zone)}"`;
  }
  const why = NEVER.has(type)
    ? `${type} records are made by the server and are never updated`
    : `no rule of the update policy of ${zone} grants it${NOT_BY_DEFAULT.has(type) ? ` (a rule without TYPES leaves out ${[...NOT_BY_DEFAULT].join(', ')}: name ${type} to grant it)` : ''}`;
  return `${what}: ${why}`;
}

/** The stored form of a policy: formatted rules, one per line; null for none. */
export function storedUpdatePolicy(rules: readonly UpdateRule[], zone: string): string | null {
  return rules.length ? rules.map((r) => formatUpdateRule(r, zone)).join('\n') : null;
}

/** The canonical names of every TSIG key, the keys a rule may name. */
export async function knownTsigKeyNames(): Promise<Set<string>> {
  const keys = await db().tsigKey.findMany({ select: { name: true } });
  return new Set(keys.map((k) => k.name));
}

/**
 * The update policy of the zone named (canonical), [] when it has none or
 * there is no such zone: every UPDATE is then refused. Read for each UPDATE
 * by the worker. The keys are not looked up here: a rule naming a key that
 * has since been deleted can match no signed message. A stored policy that
 * no longer parses (written by hand into the database) throws rather than
 * being read in part, since a dropped deny rule would grant more.
 */
export async function readUpdatePolicy(zoneName: string): Promise<UpdateRule[]> {
  const zone = lowerAbsolute(zoneName);
  const row = await db().zone.findUnique({ where: { name: zone }, select: { updatePolicy: true } });
  if (!row?.updatePolicy) return [];
  const { rules, errors } = parseLines(row.updatePolicy.split('\n'), zone, null);
  if (errors.length) throw new Error(`the stored update policy of ${zone} is unreadable (${errors[0]}); set it again with: zonekeeper zone set ${zone} --update-policy …`);
  return rules;
}

/**
 * The zones whose update policy names the key (canonical name): a key is not
 * deleted while a rule names it, as a key of the same name made later would
 * silently inherit the rule's rights.
 */
export async function zonesWithRulesFor(key: string): Promise<string[]> {
  const rows = await db().zone.findMany({ where: { updatePolicy: { contains: key } }, select: { name: true, updatePolicy: true } });
  return rows.filter((z) => parseLines((z.updatePolicy ?? '').split('\n'), z.name, null).rules.some((r) => r.key === key)).map((z) => z.name);
}
