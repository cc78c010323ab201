// Reading a catalog zone (RFC 9432) as a consumer: from the records a
// primary sent, the member zones it lists, or why the catalog is refused
// whole. A catalog is an instruction to create and delete zones here, so a
// consumer acts only on one it reads without doubt (§5.1: a broken catalog
// MUST NOT be processed): a wrong or missing version, a member node with two
// PTRs, a member whose name cannot be a zone of ours, or a zone listed under
// two labels refuses the whole catalog, and nothing is created or deleted
// until the primary sends a sound one. Records a consumer does not understand
// (unknown properties, anything outside `version` and `zones`) are ignored
// (§4.4). The record shapes are lib/dns/catalog.ts's.
import { CATALOG_VERSION, versionOwner, zonesOwner, type CatalogMember } from './catalog';
import { canonicalName, DnsNameError, isInZone } from './names';
import { txtContentStrings } from './rdata';
import type { RR } from './types';

export type CatalogReading = { ok: true; members: CatalogMember[] } | { ok: false; reason: string };

interface MemberNode {
  ptrs: string[];
  groups: string[];
  coos: string[];
}

/**
 * The members `records` (the catalog's whole content, canonical) list in
 * catalog `catalog` (canonical), sorted by zone name, or the reason the
 * catalog is refused.
 */
export function parseCatalog(catalog: string, records: readonly RR[]): CatalogReading {
  const version = versionProblem(catalog, records);
  if (version) return { ok: false, reason: version };
  const suffix = `.${zonesOwner(catalog)}`;
  const nodes = new Map<string, MemberNode>();
  const node = (label: string) => {
    let n = nodes.get(label);
    if (!n) nodes.set(label, (n = { ptrs: [], groups: [], coos: [] }));
    return n;
  };
  for (const r of records) {
    if (!r.name.endsWith(suffix)) continue;
    const labels = r.name.slice(0, -suffix.length).split('.');
    if (labels.length === 1 && r.type === 'PTR') node(labels[0]!).ptrs.push(r.content);
    else if (labels.length === 2 && labels[0] === 'group' && r.type === 'TXT') node(labels[1]!).groups.push(r.content);
    else if (labels.length === 2 && labels[0] === 'coo' && r.type === 'PTR') node(labels[1]!).coos.push(r.content);
  }
  const members: CatalogMember[] = [];
  const labelOf = new Map<string, string>();
  for (const [label, n] of nodes) {
    // Properties of a label that lists no zone describe nothing.
    if (n.ptrs.length === 0) continue;
    const where = `${label}${suffix}`;
    // RFC 9432 §4.1: the PTR MUST be the only record of its RRset.
    if (n.ptrs.length > 1) return { ok: false, reason: `${where} has ${n.ptrs.length} PTR records (${n.ptrs.join(', ')}); a member node lists one zone` };
    const zone = n.ptrs[0]!;
    const problem = memberNameProblem(catalog, zone);
    if (problem) return { ok: false, reason: `${where} lists ${zone}, ${problem}` };
    // §4.1 leaves a zone under two labels to the consumer: which label's data to keep (§5.4) would be a guess.
    const other = labelOf.get(zone);
    if (other !== undefined) return { ok: false, reason: `${zone} is listed twice, under ${other}${suffix} and ${where}` };
    labelOf.set(zone, label);
    // §4.4.2: at most one group per member.
    if (n.groups.length > 1) return { ok: false, reason: `${where} has ${n.groups.length} group properties; a member has at most one` };
    const group = n.groups.length === 1 ? txtText(n.groups[0]!) : null;
    // §4.4.1: a coo RRset of more than one PTR is ignored, the member kept.
    const coo = n.coos.length === 1 ? n.coos[0]! : null;
    members.push({ zone, label, group, coo });
  }
  members.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  return { ok: true, members };
}

/** RFC 9432 §4.2: one TXT at `version.CAT`, and the version we read. */
function versionProblem(catalog: string, records: readonly RR[]): string | null {
  const owner = versionOwner(catalog);
  const found = records.filter((r) => r.name === owner && r.type === 'TXT');
  if (found.length === 0) return `no version record (${owner} TXT); a catalog of schema version ${CATALOG_VERSION} has one`;
  if (found.length > 1) return `${found.length} version records at ${owner} (${found.map((r) => r.content).join(', ')}); a catalog has one`;
  const value = txtText(found[0]!.content);
  if (value !== CATALOG_VERSION) return `version ${JSON.stringify(value)} at ${owner}; only schema version ${CATALOG_VERSION} (RFC 9432) is read`;
  return null;
}

/** Why `zone` cannot be a member of `catalog`: a name a zone here cannot have, or one that would sit inside the catalog. */
function memberNameProblem(catalog: string, zone: string): string | null {
  if (zone === '.') return 'the root, which is no zone a catalog may hand out';
  let name: string;
  try {
    name = canonicalName(zone);
  } catch (err) {
    if (err instanceof DnsNameError) return `which is not a zone name: ${err.message}`;
    throw err;
  }
  if (name.split('.').includes('*')) return 'a wildcard name, which is no zone name';
  if (isInZone(name, catalog)) return `which is the catalog itself or a name inside it`;
  return null;
}

/** The text of TXT content, its strings joined (a value split in 255-octet strings is one value). */
function txtText(content: string): string {
  const decoder = new TextDecoder();
  return txtContentStrings(content).map((b) => decoder.decode(b)).join('');
}
