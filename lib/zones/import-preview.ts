// The import preview: what importing a zone file would do to a zone as
// stored now, computed on the server with the pure diff of
// lib/zones/import-diff.ts. The commit (lib/zones/changes.ts commitImport)
// recomputes the same diff inside its transaction.
import { parseSoaContent } from '../dns/rdata';
import { nextSerial, serialGreater } from '../dns/serial';
import { parseZoneFile, type ZoneFileError } from '../dns/zone-file';
import { getZone, type ZoneKind } from './data';
import type { RecordError } from '../errors';
import { applyRecordDiff, diffRecords, diffSoa, signerRecordsIn, signerRecordsWarning, type RecordDiff, type SoaFieldChange } from './import-diff';
import { checkZoneRules } from './validate';

/** What importing a zone file would do to a zone, for the import preview. */
export interface ImportPreview {
  zone: string;
  kind: ZoneKind;
  /** The serial the preview was computed against; the commit expects it. */
  serial: number;
  /** Parse errors with line numbers; when any, nothing else is filled in. */
  errors: ZoneFileError[];
  diff: RecordDiff;
  /** SOA fields the file changes; empty when it has no SOA or the same one. */
  soa: SoaFieldChange[];
  /** Problems the zone would have with every item applied (CNAME beside data, no apex NS, …). */
  ruleErrors: RecordError[];
  /** Records in the file, the SOA included. */
  fileRecords: number;
  /** What the import leaves out and why (the file's DNSSEC records: the signer makes them). */
  warnings: string[];
}

/** The import preview of `text` against the zone as stored now; null when there is no such zone. */
export async function previewImport(zoneName: string, text: string): Promise<ImportPreview | null> {
  const zone = await getZone(zoneName);
  if (!zone) return null;
  const empty: RecordDiff = { adds: [], changes: [], deletes: [], unchanged: 0 };
  const parsed = parseZoneFile(text, { origin: zone.name, defaultTtl: zone.defaultTtl });
  const leftOut = signerRecordsWarning(signerRecordsIn(parsed.records));
  const base = { zone: zone.name, kind: zone.kind, serial: zone.serial, fileRecords: parsed.records.length, warnings: leftOut ? [leftOut] : [] };
  if (parsed.errors.length) return { ...base, errors: parsed.errors, diff: empty, soa: [], ruleErrors: [] };
  const diff = diffRecords(zone.records, parsed.records);
  const soaRr = parsed.records.find((r) => r.type === 'SOA');
  let soa: SoaFieldChange[] = [];
  if (soaRr) {
    const fileSoa = parseSoaContent(soaRr.content);
    const ahead = serialGreater(fileSoa.serial, nextSerial(zone.serialPolicy, zone.serial));
    soa = diffSoa({ soa: zone.soa, ttl: zone.soaTtl }, { soa: fileSoa, ttl: soaRr.ttl }, ahead);
  }
  const ruleErrors = checkZoneRules(zone.name, applyRecordDiff(zone.records, diff, new Set()));
  return { ...base, errors: [], diff, soa, ruleErrors };
}
