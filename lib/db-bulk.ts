// How big one bulk statement may be: the rows of an import, a transfer or a
// changeset go to the database a batch per statement (lib/db.ts jsonRows and
// executeBulk, the journal's parts), and this module is the one place that
// decides where a batch ends. Pure functions, the same on every database.

/** Rows per bulk statement at most: SQLite runs each synchronously, and 2,000 rows hold the process about 10 ms. */
export const BULK_ROWS = 2000;

/**
 * Bytes of values per bulk statement at most. MySQL and MariaDB refuse a
 * statement longer than max_allowed_packet (16 MiB by default on MariaDB
 * 10.11, 64 MiB on MySQL 8), and their adapter writes the values into the
 * statement's text, escaping quotes and backslashes, which can double the
 * JSON of TXT records: 4 MiB of JSON stays under 16 MiB after that. 2,000
 * ordinary records are about 150 KB; only long TXT records reach the cap.
 */
export const BULK_BYTES = 4 * 1024 * 1024;

/** Strings up to this long are bounded (6 bytes a character), longer ones measured. */
const MEASURE_FROM = 170;

/**
 * An upper bound of the UTF-8 bytes of JSON.stringify(value), for strings,
 * numbers, null, booleans and arrays and plain objects of them. A character
 * takes at most 6 bytes in JSON (`\u001f`; 3 bytes of UTF-8 per UTF-16 unit),
 * so short strings are bounded by their length without being encoded, and
 * only the long ones, which decide whether a batch fits, are measured.
 */
export function jsonBytes(value: unknown): number {
  if (typeof value === 'string') return value.length < MEASURE_FROM ? value.length * 6 + 2 : Buffer.byteLength(JSON.stringify(value));
  if (typeof value === 'number') return 24;
  if (Array.isArray(value)) {
    let n = 1 + value.length;
    for (const item of value) n += jsonBytes(item);
    return n;
  }
  if (typeof value === 'object' && value !== null) {
    let n = 2;
    for (const key in value) n += jsonBytes(key) + 2 + jsonBytes((value as Record<string, unknown>)[key]);
    return n;
  }
  return 5;
}

/**
 * `rows` as JSON arrays of their `values` (the parameter of lib/db.ts
 * jsonRows), one per statement: up to BULK_ROWS rows and BULK_BYTES bytes
 * each, a row bigger than that alone.
 */
export function* jsonRowBatches<T>(rows: readonly T[], values: (row: T) => readonly unknown[]): Generator<string> {
  let batch: unknown[] = [];
  let bytes = 2;
  for (const row of rows) {
    const v = values(row);
    const size = jsonBytes(v) + 1;
    if (batch.length > 0 && (batch.length === BULK_ROWS || bytes + size > BULK_BYTES)) {
      yield JSON.stringify(batch);
      batch = [];
      bytes = 2;
    }
    batch.push(v);
    bytes += size;
  }
  if (batch.length > 0) yield JSON.stringify(batch);
}

/**
 * The most rows, up to `maxRows`, that every run of consecutive rows of that
 * length (from the first row on: 0…n-1, n…2n-1, …) holds within BULK_BYTES,
 * given each row's bytes: for a layout whose readers rely on every batch but
 * the last being equally long (lib/zones/journal.ts). At least 1.
 */
export function evenBatchLength(sizes: readonly number[], maxRows = BULK_ROWS): number {
  let n = Math.max(1, Math.min(maxRows, sizes.length));
  for (;;) {
    let largest = 0;
    for (let start = 0; start < sizes.length; start += n) {
      let sum = 0;
      for (let i = start; i < Math.min(start + n, sizes.length); i++) sum += sizes[i]!;
      largest = Math.max(largest, sum);
    }
    if (largest <= BULK_BYTES || n === 1) return n;
    // Shorter in proportion to the excess (runs shift, so check again), and always shorter.
    n = Math.max(1, Math.min(n - 1, Math.floor((n * BULK_BYTES) / largest)));
  }
}
