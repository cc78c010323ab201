// Domain names: making them canonical (absolute, lowercase), showing them to
// people (displayName) and asking questions about them.

/** A name as people read it: without the root's trailing dot (the root itself stays "."). Stored names keep the dot. */
export function displayName(name: string): string {
  return name === '.' || !name.endsWith('.') ? name : name.slice(0, -1);
}

/** Thrown when a name cannot be made canonical; the message names the offending input. */
export class DnsNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsNameError';
  }
}

// RFC 1035 §2.3.4: labels are at most 63 octets, names at most 255 octets in wire form.
const MAX_LABEL = 63;
const MAX_NAME_WIRE = 255;

// Letters, digits, hyphen, underscore and slash (RFC 2181 §11 allows any octet, but anything
// else needs escapes we do not support). Underscore is needed for _service labels, slash for
// RFC 2317 classless reverse zones (`0/26.2.0.192.in-addr.arpa`), which BIND and PowerDNS
// accept as written.
const LABEL_CHARS = /^[a-z0-9_/-]+$/;
// RFC 952 / RFC 1123 §2.1 host names: LDH, not starting or ending with a hyphen.
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Absolute, lowercase name with a trailing dot. `@` is the origin; a name without a
 * trailing dot is relative to `origin` (RFC 1035 §5.1). The root is `.`.
 * Throws DnsNameError for names we cannot represent.
 */
export function canonicalName(input: string, origin?: string): string {
  if (input === '') throw new DnsNameError('name is empty');
  if (input === '.') return '.';
  if (input === '@') {
    if (origin === undefined) throw new DnsNameError('"@" needs an origin to refer to');
    return canonicalName(origin);
  }
  let absolute: string;
  if (input.endsWith('.')) {
    absolute = input;
  } else {
    if (origin === undefined) {
      throw new DnsNameError(`"${input}" is a relative name but no origin was given; end it with a dot`);
    }
    if (!origin.endsWith('.')) throw new DnsNameError(`origin "${origin}" must be absolute (end with a dot)`);
    const o = canonicalName(origin);
    absolute = o === '.' ? `${input}.` : `${input}.${o}`;
  }
  return validateAbsolute(absolute);
}

/**
 * A name typed without its trailing dot (a zone name in a form or on the command line,
 * a name from dns-packet) read as absolute: the dot is added when missing, then the name
 * is made canonical. `.` and `` are the root. Throws DnsNameError like canonicalName.
 */
export function absoluteName(input: string): string {
  return canonicalName(input.endsWith('.') ? input : `${input}.`);
}

function validateAbsolute(name: string): string {
  if (name.includes('\\')) {
    throw new DnsNameError(`"${name}" contains a backslash; escaped characters in names are not supported`);
  }
  const lower = name.toLowerCase();
  const labels = lower.slice(0, -1).split('.');
  let wire = 1; // the root label's length octet
  labels.forEach((label, i) => {
    if (label === '') throw new DnsNameError(`"${name}" has an empty label`);
    if (label.length > MAX_LABEL) {
      throw new DnsNameError(`"${name}" has a label longer than ${MAX_LABEL} characters ("${label.slice(0, 20)}…")`);
    }
    // RFC 4592: the wildcard is a whole label, and only as the leftmost one.
    if (label === '*') {
      if (i !== 0) throw new DnsNameError(`"${name}" has "*" in the middle; a wildcard must be the leftmost label`);
    } else if (!LABEL_CHARS.test(label)) {
      const bad = [...label].find((c) => !/[a-z0-9_/-]/.test(c)) ?? '?';
      const shown = /\s/.test(bad) ? 'a space' : `"${bad}"`;
      const hint = bad.charCodeAt(0) > 127 ? ' (write internationalized names in punycode, xn--…)' : '';
      throw new DnsNameError(
        `"${name}" contains ${shown}; names may only use letters, digits, hyphens and underscores${hint}`,
      );
    }
    wire += label.length + 1;
  });
  if (wire > MAX_NAME_WIRE) {
    throw new DnsNameError(`"${name}" is too long (${wire} octets; the limit is ${MAX_NAME_WIRE})`);
  }
  return lower;
}

/**
 * True when `name` is a valid host name (RFC 1123 §2.1 LDH labels), as required of
 * NS, MX and SRV targets (RFC 2181 §10.3, RFC 2782). The root and wildcards are not hosts.
 * A trailing dot is optional.
 */
export function isHostname(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n === '') return false;
  const labels = n.toLowerCase().split('.');
  let wire = 1;
  for (const label of labels) {
    if (label.length > MAX_LABEL || !HOST_LABEL.test(label)) return false;
    wire += label.length + 1;
  }
  return wire <= MAX_NAME_WIRE;
}

/** True when canonical `name` equals canonical `zone` or lies below it. */
export function isInZone(name: string, zone: string): boolean {
  const n = name.toLowerCase();
  const z = zone.toLowerCase();
  if (z === '.') return true;
  return n === z || n.endsWith(`.${z}`);
}

/** `@` for the apex, the part left of the zone otherwise; names outside the zone stay absolute. */
export function relativeName(name: string, zone: string): string {
  const n = name.toLowerCase();
  const z = zone.toLowerCase();
  if (n === z) return '@';
  if (!isInZone(n, z)) return n;
  return z === '.' ? n.slice(0, -1) : n.slice(0, -(z.length + 1));
}

/** Labels leftmost first, without the empty root label; `.` has none. */
export function nameLabels(name: string): string[] {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n === '' ? [] : n.split('.');
}

/** Number of labels, not counting the root (RFC 4034 §3.1.3 style). */
export function labelCount(name: string): number {
  return nameLabels(name).length;
}

/** The name with its leftmost label removed; the root has no parent. */
export function parentName(name: string): string | null {
  const labels = nameLabels(name);
  if (labels.length === 0) return null;
  return labels.length === 1 ? '.' : `${labels.slice(1).join('.')}.`;
}

/** The names that enclose canonical `name`, closest first, the root last; none for the root. */
export function ancestorNames(name: string): string[] {
  const out: string[] = [];
  for (let p = parentName(name); p !== null; p = parentName(p)) out.push(p);
  return out;
}

/**
 * A name in the decoder's spelling (lib/dns/wire.ts) as zone lookups see it:
 * lowercase, and a dot inside a label (decoded as `\.`) written `\046`, so
 * that walking up the tree by dots never takes it for a label boundary.
 */
export function lookupName(name: string): string {
  const lower = name.toLowerCase();
  if (!lower.includes('\\')) return lower;
  // Walk escape by escape: `\\` is an escaped backslash, and a dot after it a real boundary.
  let out = '';
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = lower[i + 1];
    out += next === '.' ? '\\046' : `\\${next ?? ''}`;
    i++;
  }
  return out;
}
