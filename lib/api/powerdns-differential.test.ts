// The API against real PowerDNS 4.7 (Debian's pdns-server, its HTTP API on
// loopback): the same requests to both, in order, must get the same status
// codes and the same values in the fields clients read, leave the same
// records behind, and both servers must then answer the same over DNS (ours
// from a worker on the same database). Our requests pass the real key check.
// Cases where we knowingly answer otherwise are left out: a disabled record,
// an apex left without NS (both refused here), an unknown zone kind (PowerDNS
// takes it as Native).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../auth/api-keys';
import { freePort } from '../testing/bind';
import { ask } from '../testing/dns-client';
import { startPdns, type RunningPdns } from '../testing/pdns';
import { requireProgram } from '../testing/system-program';
import { rrsetChange as rr } from '../testing/api-requests';
import { startWorker, type RunningWorker } from '../worker/worker';
import { withApiKey } from './authenticated';
import { routeApiRequest } from './router';

const pdnsServer = requireProgram('pdns_server', 'pdns-server pdns-backend-sqlite3');
const PDNS_SECRET = 'differential-secret';
const WRONG_KEY = 'zk_not-a-key-of-either';
const Z = 'diff.net.';

type Rrset = { name: string; type: string; ttl: number; records: { content: string }[] };
const patch = (...rrsets: unknown[]) => ({ rrsets });
const zone = `servers/localhost/zones/${Z}`;

/** [what it shows, method, path under /api/v1/, body, the key to send instead of the right one]. */
const CASES: [string, string, string, unknown?, string?][] = [
  ['create', 'POST', 'servers/localhost/zones', { name: Z, kind: 'Native', nameservers: [`ns1.${Z}`] }],
  ['create again', 'POST', 'servers/localhost/zones', { name: Z, kind: 'Native', nameservers: [`ns1.${Z}`] }],
  ['create a relative name', 'POST', 'servers/localhost/zones', { name: 'rel.net', kind: 'Native', nameservers: ['ns1.rel.net.'] }],
  ['list one', 'GET', `servers/localhost/zones?zone=${Z}`],
  ['get', 'GET', zone],
  ['get without the dot', 'GET', zone.slice(0, -1)],
  ['get an unknown zone', 'GET', 'servers/localhost/zones/unknown.net.'],
  ['patch an unknown zone', 'PATCH', 'servers/localhost/zones/unknown.net.', patch(rr(`a.unknown.net.`, 'A', ['192.0.2.1']))],
  ['replace A, TXT, MX', 'PATCH', zone, patch(rr(`www.${Z}`, 'A', ['192.0.2.1', '192.0.2.2']), rr(`_acme-challenge.${Z}`, 'TXT', ['"token"']), rr(Z, 'MX', [`10 mail.${Z}`]))],
  ['replace with another TTL', 'PATCH', zone, patch(rr(`www.${Z}`, 'A', ['192.0.2.3'], 'replace', 60))],
  ['delete a set', 'PATCH', zone, patch({ name: `_acme-challenge.${Z}`, type: 'TXT', changetype: 'DELETE' })],
  ['delete a missing set', 'PATCH', zone, patch({ name: `nothing.${Z}`, type: 'TXT', changetype: 'DELETE' })],
  ['replace with no records', 'PATCH', zone, patch(rr(Z, 'MX', []))],
  ['a relative owner', 'PATCH', zone, patch(rr('rel', 'A', ['192.0.2.1']))],
  ['a doubled dot', 'PATCH', zone, patch(rr(`a..${Z}`, 'A', ['192.0.2.1']))],
  ['outside the zone', 'PATCH', zone, patch(rr('a.other.net.', 'A', ['192.0.2.1']))],
  ['unquoted TXT', 'PATCH', zone, patch(rr(`_x.${Z}`, 'TXT', ['hello']))],
  ['a bad address', 'PATCH', zone, patch(rr(`bad.${Z}`, 'A', ['999.1.1.1']))],
  ['a relative CNAME target', 'PATCH', zone, patch(rr(`c.${Z}`, 'CNAME', ['target.example.com']))],
  ['a CNAME beside an A', 'PATCH', zone, patch(rr(`www.${Z}`, 'CNAME', ['target.example.com.']))],
  ['a CNAME and an A in one request', 'PATCH', zone, patch(rr(`both.${Z}`, 'A', ['192.0.2.1']), rr(`both.${Z}`, 'CNAME', ['target.example.com.']))],
  ['no changetype', 'PATCH', zone, patch({ name: `x.${Z}`, type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }] })],
  ['an unknown changetype', 'PATCH', zone, patch(rr(`x.${Z}`, 'A', ['192.0.2.1'], 'UPSERT'))],
  ['no ttl', 'PATCH', zone, patch({ name: `x.${Z}`, type: 'A', changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] })],
  ['the same record twice', 'PATCH', zone, patch(rr(`x.${Z}`, 'A', ['192.0.2.1', '192.0.2.1']))],
  ['no rrsets', 'PATCH', zone, {}],
  ['malformed JSON', 'PATCH', zone, '{"rrsets": ['],
  ['one bad rrset among good ones', 'PATCH', zone, patch(rr(`good.${Z}`, 'A', ['192.0.2.1']), rr(`_y.${Z}`, 'TXT', ['unquoted']))],
  ['a set deleted, then replaced', 'PATCH', zone, patch({ name: `order.${Z}`, type: 'A', changetype: 'DELETE' }, rr(`order.${Z}`, 'A', ['192.0.2.9']))],
  ['notify', 'PUT', `${zone}/notify`],
  ['retrieve a primary', 'PUT', `${zone}/axfr-retrieve`],
  ['a wrong key', 'GET', zone, undefined, WRONG_KEY],
];

let ourSecret = '';

async function send(base: string, method: string, path: string, body: unknown, secret?: string): Promise<{ status: number; text: string }> {
  const key = secret ?? (base ? PDNS_SECRET : ourSecret);
  // As lego and the Go clients send it; PowerDNS answers errors in plain text to other clients.
  const init: RequestInit = { method, headers: { 'x-api-key': key, accept: 'application/json' }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) };
  if (base) {
    const r = await fetch(`${base}/api/v1/${path}`, init);
    return { status: r.status, text: await r.text() };
  }
  const request = new Request(`http://localhost/api/v1/${path}`, init);
  const r = await withApiKey(request, '127.0.0.1', (k) => routeApiRequest(request, path.split('?')[0]!.split('/'), k));
  return { status: r.status, text: await r.text() };
}

/**
 * What clients read of an answer: `error` being a string on a refusal; the id, name and url of
 * zones (kind differs by design: ours are Master so that lego NOTIFYs); the API index and server.
 */
function readFields(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text === '' ? '' : 'not JSON';
  }
  const pick = (o: Record<string, unknown>) =>
    'error' in o ? { error: typeof o.error } : Object.fromEntries(['id', 'name', 'url', 'version', 'daemon_type'].filter((k) => k in o).map((k) => [k, o[k]]));
  return Array.isArray(json) ? json.map((o) => pick(o as Record<string, unknown>)) : pick(json as Record<string, unknown>);
}

/** The zone's records apart from its SOA (whose serial and timers differ by design), in one comparable form. */
function recordsOf(zoneJson: string): string[] {
  const sets = (JSON.parse(zoneJson) as { rrsets: Rrset[] }).rrsets.filter((s) => s.type !== 'SOA');
  return sets.flatMap((s) => s.records.map((r) => `${s.name} ${s.ttl} ${s.type} ${r.content}`)).sort();
}

describe.skipIf(!pdnsServer)('the API beside PowerDNS 4.7', { timeout: 60_000 }, () => {
  let pdns: RunningPdns;
  let worker: RunningWorker;
  let base = '';
  beforeAll(async () => {
    ourSecret = (await createApiKey({ name: 'differential' }, 'test')).secret;
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 100 });
    const webPort = await freePort('127.0.0.1');
    pdns = await startPdns({
      program: pdnsServer!,
      address: '127.0.0.1',
      port: await freePort('127.0.0.1'),
      settings: ['api=yes', `api-key=${PDNS_SECRET}`, 'webserver=yes', 'webserver-address=127.0.0.1', `webserver-port=${webPort}`, 'webserver-allow-from=127.0.0.0/8'],
    });
    base = `http://127.0.0.1:${webPort}`;
  });
  afterAll(async () => {
    await Promise.all([pdns?.stop(), worker?.stop()]);
  });

  it('answers each request with the status and fields PowerDNS gives, ends with the same records, and both serve them alike', async () => {
    const differences: string[] = [];
    for (const [what, method, path, body, secret] of CASES) {
      const [theirs, ours] = [await send(base, method, path, body, secret), await send('', method, path, body, secret)];
      if (theirs.status !== ours.status) differences.push(`${what}: PowerDNS ${theirs.status} ${theirs.text.slice(0, 200)}; ours ${ours.status} ${ours.text.slice(0, 200)}`);
      else if (JSON.stringify(readFields(theirs.text)) !== JSON.stringify(readFields(ours.text))) {
        differences.push(`${what}: PowerDNS ${JSON.stringify(readFields(theirs.text))}; ours ${JSON.stringify(readFields(ours.text))}`);
      }
    }
    expect(differences).toEqual([]);
    const [theirs, ours] = [await send(base, 'GET', zone, undefined), await send('', 'GET', zone, undefined)];
    const records = recordsOf(ours.text);
    expect(records).toEqual(recordsOf(theirs.text));
    expect(records).toContain(`order.${Z} 300 A 192.0.2.9`);

    // Over DNS: every set that is left, and the ones the requests deleted, from both servers.
    const port = worker.dns[0]!.port;
    const questions = new Set([...records.map((r) => r.split(' ').filter((_, i) => i === 0 || i === 2).join(' ')), `_acme-challenge.${Z} TXT`, `www.${Z} A`, `${Z} MX`]);
    const answerOf = async (p: number, q: string) => {
      const [name, type] = q.split(' ') as [string, string];
      const m = await ask(p, name, type, { timeoutMs: 1000 });
      return `${m.rcode} ${m.answers.filter((a) => a.type === type).map((a) => `${a.ttl} ${JSON.stringify(a.data)}`).sort().join(', ')}`;
    };
    await new Promise((r) => setTimeout(r, 300)); // the worker's next poll
    for (const q of [...questions].sort()) expect(`${q}: ${await answerOf(port, q)}`).toBe(`${q}: ${await answerOf(pdns.port, q)}`);

    for (const target of [base, '']) expect((await send(target, 'DELETE', zone, undefined)).status).toBe(204);
    for (const target of [base, '']) expect((await send(target, 'GET', zone, undefined)).status).toBe(404);
  });
});
