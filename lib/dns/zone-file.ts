// Zone files: the one parser and serializer for BIND master-file syntax (RFC 1035 §5).
import { canonicalName, DnsNameError, isInZone, nameLabels, relativeName } from './names.ts';
import { isGenericType, isStoredType, mayAccompanyCname, normalizeContent, parseSoaContent, RdataError } from './rdata.ts';
import { RecordIndex } from './record-index.ts';
import { parseTtl } from './ttl.ts';
import type { RR } from './types.ts';

/** A problem on one line of an imported file; `line` is 1-based. */
export interface ZoneFileError {
  line: number;
  message: string;
}

interface Token {
  /** Text as written, quotes and escapes included, so rdata parsing sees what the operator typed. */
  text: string;
  quoted: boolean;
  line: number;
}

/** One logical line: a directive or a record, possibly spanning lines inside parentheses. */
interface Entry {
  line: number;
  blankOwner: boolean;
  tokens: Token[];
  broken: boolean;
}

// Character codes the lexer compares: one number per character beats a string per character on files of a million lines.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const LPAREN = 40;
const RPAREN = 41;
const SEMICOLON = 59;
const BACKSLASH = 92;

const isSpace = (c: number) => c === SPACE || c === TAB || c === CR;
/** What ends an unquoted token. */
const endsToken = (c: number) => isSpace(c) || c === LF || c === SEMICOLON || c === LPAREN || c === RPAREN || c === QUOTE;

/**
 * The logical lines of `text`, one at a time: parsed as they come, the tokens
 * of a million-line file die young instead of all living until the end.
 */
function* lex(text: string, errors: ZoneFileError[]): Generator<Entry> {
  const n = text.length;
  let line = 1;
  let depth = 0;
  let parenLine = 0;
  let entry: Entry | null = null;
  let atLineStart = true;
  // A backslash escapes the next character, unless that is the end of the line.
  const step = (i: number) => (text.charCodeAt(i) === BACKSLASH && text.charCodeAt(i + 1) !== LF ? 2 : 1);

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      line++;
      i++;
      atLineStart = true;
      if (depth === 0) {
        if (entry && entry.tokens.length > 0) yield entry;
        entry = null;
      }
      continue;
    }
    if (atLineStart && depth === 0) {
      // RFC 1035 §5.1: a line starting with a blank reuses the previous owner.
      entry = { line, blankOwner: isSpace(c), tokens: [], broken: false };
    }
    atLineStart = false;
    const cur: Entry = entry!;
    if (isSpace(c)) {
      i++;
    } else if (c === SEMICOLON) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === LPAREN) {
      if (depth === 0) parenLine = line;
      depth++;
      i++;
    } else if (c === RPAREN) {
      if (depth === 0) {
        errors.push({ line, message: 'unexpected ")" without a matching "("' });
        cur.broken = true;
      } else {
        depth--;
      }
      i++;
    } else if (c === QUOTE) {
      const start = i++;
      while (i < n && text.charCodeAt(i) !== QUOTE && text.charCodeAt(i) !== LF) i += step(i);
      if (i >= n || text.charCodeAt(i) !== QUOTE) {
        errors.push({ line, message: 'quoted string is not closed on this line' });
        cur.broken = true;
        continue; // resume at the newline
      }
      i++;
      cur.tokens.push({ text: text.slice(start, i), quoted: true, line });
    } else {
      const start = i;
      while (i < n && !endsToken(text.charCodeAt(i))) i += step(i);
      cur.tokens.push({ text: text.slice(start, Math.min(i, n)), quoted: false, line });
    }
  }
  if (depth > 0) {
    errors.push({ line: parenLine, message: `"(" opened on line ${parenLine} is never closed` });
    if (entry) (entry as Entry).broken = true;
  }
  if (entry && (entry as Entry).tokens.length > 0) yield entry;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'ANY', 'NONE']);

interface Parsed {
  rr: RR;
  line: number;
}

/** Records and every problem found, each with its line; parsing goes on past errors so all are listed. */
export function parseZoneFile(
  text: string,
  opts: { origin: string; defaultTtl?: number },
): { records: RR[]; errors: ZoneFileError[] } {
  const zone = canonicalName(opts.origin);
  const errors: ZoneFileError[] = [];
  const parsed: Parsed[] = [];
  let origin = zone;
  let dollarTtl: number | undefined;
  let soaMinimum: number | undefined;
  let lastOwner: string | undefined;
  let lastOwnerBad = false;

  for (const entry of lex(text, errors)) {
    if (entry.broken) continue;
    const tokens = entry.tokens;
    const fail = (message: string, line = entry.line) => errors.push({ line, message });

    if (tokens[0].text.startsWith('$') && !tokens[0].quoted) {
      const directive = tokens[0].text.toUpperCase();
      const arg = tokens[1];
      if (directive === '$ORIGIN') {
        if (!arg || tokens.length > 2) {
          fail('$ORIGIN needs exactly one domain name');
          continue;
        }
        try {
          origin = canonicalName(arg.text, origin);
        } catch (e) {
          fail(`$ORIGIN: ${(e as Error).message}`, arg.line);
        }
      } else if (directive === '$TTL') {
        if (!arg || tokens.length > 2) {
          fail('$TTL needs exactly one value, like $TTL 1h');
          continue;
        }
        try {
          dollarTtl = parseTtl(arg.text);
        } catch (e) {
          fail(`$TTL: ${(e as Error).message}`, arg.line);
        }
      } else if (directive === '$INCLUDE') {
        fail('$INCLUDE is not supported; paste the contents of the included file instead');
      } else {
        fail(`${tokens[0].text} is not supported (only $ORIGIN and $TTL are)`);
      }
      continue;
    }

    let k = 0;
    let owner: string;
    if (entry.blankOwner) {
      if (lastOwnerBad) continue; // its owner line was already reported
      if (lastOwner === undefined) {
        fail('this line starts with a space, so it reuses the previous owner name, but there is none');
        continue;
      }
      owner = lastOwner;
    } else {
      const t = tokens[k++];
      try {
        owner = canonicalName(t.text, origin);
      } catch (e) {
        fail((e as Error).message, t.line);
        lastOwnerBad = true;
        continue;
      }
      lastOwner = owner;
      lastOwnerBad = false;
    }

    // TTL and class may come in either order (RFC 1035 §5.1).
    let ttl: number | undefined;
    let sawClass = false;
    let bad = false;
    while (k < tokens.length && !bad) {
      const t = tokens[k];
      if (ttl === undefined && /^\d/.test(t.text) && !t.quoted) {
        try {
          ttl = parseTtl(t.text);
        } catch (e) {
          fail((e as Error).message, t.line);
          bad = true;
        }
      } else if (!sawClass && CLASSES.has(t.text.toUpperCase())) {
        if (t.text.toUpperCase() !== 'IN') {
          fail(`class ${t.text.toUpperCase()} is not supported; only IN is`, t.line);
          bad = true;
        }
        sawClass = true;
      } else {
        break;
      }
      k++;
    }
    if (bad) continue;

    const typeToken = tokens[k++];
    if (!typeToken) {
      fail(`record for "${owner}" has no type`);
      continue;
    }
    const type = typeToken.text.toUpperCase();
    // Generic TYPEnnn data is kept from transfers only: nobody could edit or delete it here.
    if (!isStoredType(type) || isGenericType(type)) {
      fail(`unknown or unsupported record type "${typeToken.text}"`, typeToken.line);
      continue;
    }
    if (!isInZone(owner, zone)) {
      fail(`"${owner}" is outside the zone ${zone}`);
      continue;
    }

    let content: string;
    try {
      content = normalizeContent(
        type,
        tokens
          .slice(k)
          .map((t) => t.text)
          .join(' '),
        origin,
      );
    } catch (e) {
      if (e instanceof RdataError || e instanceof DnsNameError) {
        fail(e.message);
        continue;
      }
      throw e;
    }

    let soaMin: number | undefined;
    if (type === 'SOA') soaMin = parseSoaContent(content).minimum;
    // RFC 2308 §4: $TTL first; before it existed, the SOA minimum served as the default.
    const effectiveTtl = ttl ?? dollarTtl ?? soaMinimum ?? soaMin ?? opts.defaultTtl;
    if (effectiveTtl === undefined) {
      fail('no TTL for this record: give it one, or add a $TTL line before it');
      continue;
    }
    if (type === 'SOA' && soaMinimum === undefined) soaMinimum = soaMin;
    parsed.push({ rr: { name: owner, type, ttl: effectiveTtl, content }, line: entry.line });
  }

  const records = checkZone(parsed, zone, errors);
  errors.sort((x, y) => x.line - y.line);
  return { records, errors };
}

/** Whole-zone rules that need every record: one SOA at the apex, CNAME alone, no duplicates. */
function checkZone(parsed: Parsed[], zone: string, errors: ZoneFileError[]): RR[] {
  const kept: Parsed[] = [];
  const byName = new RecordIndex<Parsed>((p) => p.rr);
  const cnameOwners = new Set<string>();
  let soaLine: number | undefined;
  for (const p of parsed) {
    if (p.rr.type === 'SOA') {
      if (p.rr.name !== zone) {
        errors.push({ line: p.line, message: `SOA record must be at the zone apex ${zone}, not at ${p.rr.name}` });
        continue;
      }
      if (soaLine !== undefined) {
        errors.push({ line: p.line, message: `a zone has one SOA record, and there is already one on line ${soaLine}` });
        continue;
      }
      soaLine = p.line;
    }
    // Identical records are one record in DNS (RFC 2181 §5); keep the first.
    if (byName.same(p.rr).length > 0) continue;
    byName.add(p);
    kept.push(p);
    if (p.rr.type === 'CNAME') cnameOwners.add(p.rr.name);
  }

  // RFC 1034 §3.6.2: a name with a CNAME has no other data (and only one CNAME), but for its
  // DNSSEC records (RFC 4035 §2.5).
  const dropped = new Set<Parsed>();
  for (const name of cnameOwners) {
    const list = byName.at(name).filter((p) => !mayAccompanyCname(p.rr.type));
    if (list.length === 1) continue;
    const cnames = list.filter((p) => p.rr.type === 'CNAME');
    const first = list.find((p) => p !== cnames[0])!;
    for (const c of cnames) {
      const other = c === cnames[0] ? first : cnames[0]!;
      errors.push({
        line: c.line,
        message: `${name} has a CNAME and other records (${other.rr.type} on line ${other.line}); a CNAME must be the only record at its name (RFC 1034 §3.6.2)`,
      });
      dropped.add(c);
    }
  }
  return dropped.size ? kept.filter((p) => !dropped.has(p)).map((p) => p.rr) : kept.map((p) => p.rr);
}

// ---------------------------------------------------------------------------
// Serializer

/** RFC 4034 §6.1 canonical order: compare labels from the right, shorter (the apex) first. */
function compareNames(x: string, y: string): number {
  const a = nameLabels(x).reverse();
  const b = nameLabels(y).reverse();
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

// Apex records read best as SOA, then NS; the rest alphabetically.
const typeRank = (t: string) => (t === 'SOA' ? 0 : t === 'NS' ? 1 : 2);

/** The TTL most records have, the lowest on a tie (3600 for none): the file's $TTL. `counts` maps TTL → records. */
export function defaultTtlOf(counts: ReadonlyMap<number, number>): number {
  let best = 3600;
  let bestCount = 0;
  for (const [ttl, n] of counts) {
    if (n > bestCount || (n === bestCount && ttl < best)) [best, bestCount] = [ttl, n];
  }
  return best;
}

function mostCommonTtl(records: RR[]): number {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.ttl, (counts.get(r.ttl) ?? 0) + 1);
  return defaultTtlOf(counts);
}

/** Widths of the owner, TTL and type columns, so that the content column lines up. */
export interface ZoneFileColumns {
  owner: number;
  ttl: number;
  type: number;
}

/** The first lines of a zone file: $ORIGIN and $TTL. */
export function zoneFileHead(origin: string, defaultTtl: number): string {
  return `$ORIGIN ${canonicalName(origin)}\n$TTL ${defaultTtl}\n`;
}

/** One record as zone file text (several lines for the SOA), ending with a newline. */
export function zoneFileRecord(zone: string, r: RR, cols: ZoneFileColumns): string {
  const type = r.type.toUpperCase();
  const head = `${relativeName(r.name, zone).padEnd(cols.owner)} ${String(r.ttl).padStart(cols.ttl)} IN ${type.padEnd(cols.type)} `;
  if (type !== 'SOA') return `${head}${r.content}\n`;
  const f = parseSoaContent(r.content);
  const indent = ' '.repeat(head.length + 4);
  return [
    `${head}${f.mname} ${f.rname} (`,
    `${indent}${String(f.serial).padEnd(10)} ; serial`,
    `${indent}${String(f.refresh).padEnd(10)} ; refresh`,
    `${indent}${String(f.retry).padEnd(10)} ; retry`,
    `${indent}${String(f.expire).padEnd(10)} ; expire`,
    `${indent}${String(f.minimum).padEnd(10)} ; minimum`,
    `${indent})`,
    '',
  ].join('\n');
}

/** Orders one owner name's records as a zone file reads best: SOA, NS, then the other types alphabetically. */
export function compareRecordsAtName(x: RR, y: RR): number {
  return (
    typeRank(x.type) - typeRank(y.type) ||
    (x.type < y.type ? -1 : x.type > y.type ? 1 : 0) ||
    (x.content < y.content ? -1 : x.content > y.content ? 1 : 0)
  );
}

/**
 * A zone file parseZoneFile reads back to the same records, for a set held in
 * memory: $ORIGIN and $TTL first, the SOA, then names in canonical order,
 * owners relative, columns aligned. A whole zone of any size is exported by
 * lib/zones/zone-export.ts, which streams it with the same line format.
 */
export function serializeZoneFile(origin: string, records: RR[]): string {
  const zone = canonicalName(origin);
  const soaFirst = (r: RR) => (r.type === 'SOA' ? 0 : 1);
  const sorted = [...records].sort((x, y) => soaFirst(x) - soaFirst(y) || compareNames(x.name, y.name) || compareRecordsAtName(x, y));
  const cols: ZoneFileColumns = { owner: 0, ttl: 0, type: 0 };
  // A loop, not Math.max(...rows): spreading a big zone's rows overflows the call stack.
  for (const r of sorted) {
    cols.owner = Math.max(cols.owner, relativeName(r.name, zone).length);
    cols.ttl = Math.max(cols.ttl, String(r.ttl).length);
    cols.type = Math.max(cols.type, r.type.length);
  }
  return zoneFileHead(zone, mostCommonTtl(records)) + sorted.map((r) => zoneFileRecord(zone, r, cols)).join('');
}
