// The canonical forms DNSSEC signs and orders by (RFC 4034 §6): names in
// lower case and uncompressed, names in canonical order, an RRset's records
// ordered by their rdata.
import { contentToRdata } from '../rdata-wire.ts';
import { nameToWire } from '../wire.ts';

/** A name in canonical wire form (RFC 4034 §6.2): lower case, uncompressed, the root label included. */
export function nameWire(name: string): Buffer {
  const out = Buffer.alloc(256);
  return Buffer.from(out.subarray(0, nameToWire(name.toLowerCase(), out, 0)));
}

/** Labels rightmost first, lower case, the root left out. */
function reversedLabels(name: string): string[] {
  const n = name.toLowerCase();
  const body = n.endsWith('.') ? n.slice(0, -1) : n;
  return body === '' ? [] : body.split('.').reverse();
}

/**
 * Canonical DNS name order (RFC 4034 §6.1): label by label from the right, each label as
 * lower-cased octets, a missing label first. Our stored names hold plain ASCII with no
 * escapes (lib/dns/names.ts), so comparing the label strings compares their octets.
 */
export function compareCanonical(a: string, b: string): number {
  if (a === b) return 0;
  const x = reversedLabels(a);
  const y = reversedLabels(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** True when `name` lies strictly below `ancestor` (both canonical). */
export function isBelow(name: string, ancestor: string): boolean {
  if (ancestor === '.') return name !== '.';
  return name.length > ancestor.length && name.endsWith(`.${ancestor}`);
}

/**
 * The rdata of stored content in canonical form (RFC 4034 §6.2): uncompressed, with the
 * names inside it lower case. Stored content is already canonical presentation (names
 * lower case, normalizeContent), so its wire form is the canonical form.
 */
export function canonicalRdata(type: string, content: string): Buffer {
  return contentToRdata(type, content);
}

/**
 * The rdata of an RRset in canonical order (RFC 4034 §6.3): sorted as octet strings,
 * duplicates dropped (a duplicate must not be signed twice).
 */
export function canonicalRdataSet(type: string, contents: readonly string[]): Buffer[] {
  const all = contents.map((c) => canonicalRdata(type, c)).sort(Buffer.compare);
  return all.filter((b, i) => i === 0 || !b.equals(all[i - 1]!));
}
