// Record content of every type we store, as a person types it in the zone
// example.test.: samples shared by the tests of presentation form
// (lib/dns/rdata.test.ts) and of wire form (lib/dns/rdata-wire.test.ts).

const HEX32 = 'ab'.repeat(32);

/** One or more samples per supported type; normalizeContent accepts each. */
export const RDATA_SAMPLES: ReadonlyArray<readonly [type: string, input: string]> = [
  ['A', '192.0.2.1'],
  ['AAAA', '2001:db8::1'],
  ['AAAA', '::ffff:192.0.2.1'],
  ['CNAME', 'target.example.test.'],
  ['MX', '10 mail.example.test.'],
  ['MX', '0 .'],
  ['NS', 'ns1.example.test.'],
  ['PTR', 'host.example.test.'],
  ['TXT', '"v=spf1 -all"'],
  ['TXT', '"with \\"quotes\\" and \\\\" "second" "" "caf\\195\\169 \\255"'],
  ['TXT', `"${'q'.repeat(600)}"`],
  ['SRV', '10 5 5060 sip.example.test.'],
  ['SRV', '0 0 0 .'],
  ['CAA', '0 issue "letsencrypt.org"'],
  ['CAA', '128 iodef "mailto:ops@example.test"'],
  ['DS', `12345 13 2 ${HEX32}`],
  ['TLSA', `3 1 1 ${HEX32}`],
  ['TLSA', '3 0 0 DEADBEEF'],
  ['SSHFP', `4 2 ${HEX32}`],
  ['SSHFP', `1 1 ${'12'.repeat(20)}`],
  ['NAPTR', '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .'],
  ['NAPTR', '100 20 "s" "SIP+D2U" "" _sip._udp.example.test.'],
  ['HINFO', '"x86 64" "Linux"'],
  ['SOA', 'ns1.example.test. hostmaster.example.test. 2026112401 3600 900 604800 300'],
];
