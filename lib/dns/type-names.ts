// Record type mnemonics and their codes: the one table for wire.ts (the codec) and for the
// record data code that runs in the browser too (rdata.ts, rdata-dnssec.ts), which must not
// load the codec. Pure data, no Buffer.

// The type mnemonics of dns-packet 5.6.1 (its types.js), so that our names agree with the ones
// its rdata codecs use inside RRSIG/NSEC data, and with what dns-packet.decode reports.
const TYPE_LIST: readonly (readonly [string, number])[] = [
  ['A', 1], ['NS', 2], ['CNAME', 5], ['SOA', 6], ['NULL', 10], ['PTR', 12], ['HINFO', 13],
  ['MX', 15], ['TXT', 16], ['RP', 17], ['AFSDB', 18], ['SIG', 24], ['KEY', 25], ['AAAA', 28],
  ['LOC', 29], ['SRV', 33], ['NAPTR', 35], ['KX', 36], ['CERT', 37], ['DNAME', 39], ['OPT', 41],
  ['APL', 42], ['DS', 43], ['SSHFP', 44], ['IPSECKEY', 45], ['RRSIG', 46], ['NSEC', 47],
  ['DNSKEY', 48], ['DHCID', 49], ['NSEC3', 50], ['NSEC3PARAM', 51], ['TLSA', 52], ['HIP', 55],
  ['CDS', 59], ['CDNSKEY', 60], ['SPF', 99], ['TKEY', 249], ['TSIG', 250], ['IXFR', 251],
  ['AXFR', 252], ['ANY', 255], ['CAA', 257], ['TA', 32768], ['DLV', 32769],
];

/** Mnemonic (upper case) → code. */
export const TYPE_CODE: ReadonlyMap<string, number> = new Map(TYPE_LIST.map(([n, c]) => [n, c]));
/** Code → mnemonic, for the codes that have one. */
export const TYPE_NAME: ReadonlyMap<number, string> = new Map(TYPE_LIST.map(([n, c]) => [c, n]));
