// Record content of every type we store, as a person types it in the zone
// example.test. (the signer's types as BIND's tools print them): samples shared
// by the tests of presentation form (lib/dns/rdata.test.ts) and of wire form
// (lib/dns/rdata-wire.test.ts).

const HEX32 = 'ab'.repeat(32);
// Keys and signatures taken from lib/testing/signed-fixtures (dnssec-keygen, dnssec-signzone).
const P256_KEY = 'ev8fGYFm3k+d5coeTHd23jU7J5rB7hUCzPuuE7LtPZROgTohmehcR7ZQil51g4dYT3eQa4O6axEQP2gAYKF1oQ==';
const ED25519_KEY = 'Mrw2m4YpSLMLsogFRtQ4QB5ABmDzSp5Bj44WE44igkg=';
const P256_SIG = 'DMRNHrL6dDwVsik6N2V/SZjlFI/Bp8VFvs6CPZ7P7mt8F6ygZ1Cx0JnHoJjbhKUJeN9yYgmHL2jTuPdtvM98kA==';

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
  ['DNSKEY', `257 3 13 ${P256_KEY}`],
  ['DNSKEY', `256 3 15 ${ED25519_KEY.slice(0, 20)} ${ED25519_KEY.slice(20)}`],
  ['CDNSKEY', `257 3 13 ${P256_KEY}`],
  ['CDNSKEY', '0 3 0 AA=='],
  ['CDS', `41501 13 2 ${HEX32}`],
  ['CDS', '0 0 0 00'],
  ['RRSIG', `SOA 13 2 300 20270101000000 20261201000000 27721 example.test. ${P256_SIG}`],
  ['RRSIG', `TYPE65534 13 3 0 1798761600 1796083200 27721 example.test. ${P256_SIG.slice(0, 36)} ${P256_SIG.slice(36)}`],
  ['NSEC', 'www.example.test. A NS SOA MX RRSIG NSEC DNSKEY'],
  ['NSEC', '*.wild.example.test. CNAME RRSIG NSEC TYPE65534 CAA'],
  ['NSEC', '_dmarc.example.test. TXT RRSIG NSEC'],
  ['NSEC3', '1 0 0 - 23H26QFQLF9NR239HOID32MF55I5LHR8 NS DS RRSIG'],
  ['NSEC3', '1 1 2 AB12CD 3cug7juhq2r08ijpng38rqt64q8sss19'],
  ['NSEC3PARAM', '1 0 0 -'],
  ['NSEC3PARAM', '1 0 10 AB12CD'],
];
