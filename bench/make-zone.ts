// Writes the benchmark zone and its query mix: a zone of N hosts (A, some
// AAAA, MX, TXT, CNAME) and a dnsperf query file of every question the zone
// answers plus 10% names that do not exist, in a fixed shuffled order.
// Usage: tsx bench/make-zone.ts ZONE HOSTS OUT_DIR
import fs from 'node:fs';
import path from 'node:path';

const [zone = 'bench.test', hostsArg = '10000', outDir = '.'] = process.argv.slice(2);
const hosts = Number(hostsArg);
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);

const lines = [
  `$ORIGIN ${zone}.`,
  '$TTL 3600',
  '@ IN SOA ns1 hostmaster 1 3600 600 1209600 300',
  '@ IN NS ns1',
  '@ IN NS ns2',
  '@ IN MX 10 mail',
  '@ IN TXT "v=spf1 mx -all"',
  'ns1 IN A 127.0.0.1',
  'ns2 IN A 127.0.0.2',
  'mail IN A 192.0.2.25',
];
const questions: string[] = [`${zone} SOA`, `${zone} NS`, `${zone} MX`, `${zone} TXT`];
for (let i = 0; i < hosts; i++) {
  const h = `host${i}`;
  const a = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  lines.push(`${h} IN A ${a}`);
  questions.push(`${h}.${zone} A`);
  if (i % 3 === 0) {
    lines.push(`${h} IN AAAA 2001:db8::${i.toString(16)}`);
    questions.push(`${h}.${zone} AAAA`);
  }
  if (i % 5 === 0) {
    lines.push(`${h} IN TXT "host ${i}"`);
    questions.push(`${h}.${zone} TXT`);
  }
  if (i % 7 === 0) {
    lines.push(`www${i} IN CNAME ${h}`);
    questions.push(`www${i}.${zone} A`);
  }
}
const nx = Math.round(questions.length / 9);
for (let i = 0; i < nx; i++) questions.push(`missing${i}.${zone} A`);
for (let i = questions.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [questions[i], questions[j]] = [questions[j]!, questions[i]!];
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'zone.db'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(outDir, 'queries.txt'), questions.join('\n') + '\n');
console.log(`${lines.length - 2} records, ${questions.length} questions (${nx} NXDOMAIN) in ${outDir}`);
