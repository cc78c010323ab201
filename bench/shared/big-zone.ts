// The big zone of the AXFR and scale benchmarks, as a BIND zone file: SOA,
// 2 NS with glue, then hosts with A, every 4th an AAAA, every 10th a TXT, up
// to exactly `n` records (the SOA counted).
export function bigZoneText(zone: string, n: number): string {
  const lines = [
    `$ORIGIN ${zone.replace(/\.$/, '')}.`,
    '$TTL 3600',
    '@ IN SOA ns1 hostmaster 1 86400 3600 1209600 300',
    '@ IN NS ns1',
    '@ IN NS ns2',
    'ns1 IN A 127.0.0.1',
    'ns2 IN A 127.0.0.2',
  ];
  let count = 5;
  for (let i = 0; count < n; i++) {
    lines.push(`host${i} IN A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    if (++count < n && i % 4 === 0) (lines.push(`host${i} IN AAAA 2001:db8::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`), count++);
    if (count < n && i % 10 === 0) (lines.push(`host${i} IN TXT "host ${i} of the AXFR benchmark"`), count++);
  }
  return lines.join('\n') + '\n';
}
