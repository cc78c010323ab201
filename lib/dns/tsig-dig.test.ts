// TSIG interop with BIND's own implementation: dig signs its queries, our responder on loopback
// verifies them with verifyMessage and signs its answers with signMessage, and dig verifies
// those. Every algorithm, a single UDP answer, error replies, and a 3-message AXFR over TCP.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResponder, type Responder, type ResponderHandler } from '../testing/dns-responder';
import { requireProgram } from '../testing/system-program';
import { algorithmName, appendTsigError, generateSecret, secretToBase64, signMessage, verifyMessage, type TsigAlgorithm, type TsigKey, type TsigVerifyResult } from './tsig';
import { decodeMessage, encodeMessage, newResponse, type WireRecord } from './wire';

const dig = requireProgram('dig', 'bind9-dnsutils');

const SOA: WireRecord = {
  name: 'example.test.',
  type: 'SOA',
  ttl: 300,
  data: { mname: 'ns1.example.test.', rname: 'hostmaster.example.test.', serial: 2024010101, refresh: 3600, retry: 600, expire: 86400, minimum: 300 },
};

// What dig prints when any TSIG check fails (BIND 9.18 dig.c / dighost.c).
const DIG_TSIG_FAILURE = /Couldn't verify signature|could not be validated|tsig verify failure|expected a TSIG|Transfer failed/i;

function keyFor(algorithm: TsigAlgorithm): TsigKey {
  return { name: 'testkey.', algorithm, secret: generateSecret(algorithm) };
}

/** Runs dig; resolves with everything it printed, whatever its exit code. */
function runDig(port: number, key: TsigKey, args: string[]): Promise<string> {
  const all = ['-p', String(port), '@127.0.0.1', '-y', `${key.algorithm}:${key.name}:${secretToBase64(key.secret)}`, ...args, '+time=2', '+tries=1'];
  return new Promise((resolve) => {
    execFile(dig!, all, { timeout: 15_000 }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
  });
}

function responseTo(unsigned: Buffer, answers: WireRecord[]): Buffer {
  const r = newResponse(decodeMessage(unsigned));
  r.aa = true;
  r.answers = answers;
  return encodeMessage(r).buf;
}

describe.skipIf(!dig)('TSIG interop with dig (BIND 9)', () => {
  let responder: Responder;
  let handler: ResponderHandler = () => [];
  // What verifyMessage said about each query dig sent.
  let seen: TsigVerifyResult[] = [];

  beforeAll(async () => {
    responder = await startResponder((q, t) => handler(q, t));
  });
  afterAll(async () => {
    await responder?.close();
  });

  // Verifies dig's query with `serverKey`; on success answers through `answer`, on failure with
  // the RFC 8945 §5.3.2 error reply.
  // `skew` moves the server's clock, in seconds.
  function serve(serverKey: TsigKey, answer: (ok: Extract<TsigVerifyResult, { status: 'ok' }>) => Buffer[], skew = 0): void {
    seen = [];
    handler = (q) => {
      const now = Math.floor(Date.now() / 1000) + skew;
      const v = verifyMessage(q, (name) => (name === serverKey.name ? serverKey : undefined), { now });
      seen.push(v);
      if (v.status === 'ok') return answer(v);
      if (v.status === 'error') return [appendTsigError(responseTo(q, []), v, { now })]; // newResponse copies only the question
      return [];
    };
  }

  // hmac-md5 is what certbot's rfc2136 plugin and Ansible sign with unless told otherwise.
  for (const algorithm of ['hmac-sha256', 'hmac-sha1', 'hmac-sha512', 'hmac-sha224', 'hmac-sha384', 'hmac-md5'] as const) {
    it(`${algorithm}: verifies dig's signed query, and dig verifies our signed answer (UDP)`, async () => {
      const key = keyFor(algorithm);
      serve(key, (v) => [signMessage(responseTo(v.unsigned, [SOA]), key, { requestMac: v.mac }).message]);
      const out = await runDig(responder.port, key, ['example.test', 'SOA']);
      expect(seen.map((s) => s.status)).toEqual(['ok']);
      expect(out).toContain('status: NOERROR');
      expect(out).toContain(';; TSIG PSEUDOSECTION:');
      // dig names the algorithm as it is on the wire: hmac-md5.sig-alg.reg.int. for MD5.
      const wireName = algorithmName(algorithm).replace(/\./g, '\\.');
      expect(out).toMatch(new RegExp(`testkey\\.\\s+0\\s+ANY\\s+TSIG\\s+${wireName} \\d+ 300 \\d+ .* NOERROR 0`));
      expect(out).toMatch(/example\.test\.\s+300\s+IN\s+SOA\s+ns1\.example\.test\./);
      expect(out).not.toMatch(DIG_TSIG_FAILURE);
      expect(out).not.toContain('BADSIG');
    });
  }

  it('dig reports a failure when our answer is signed with the wrong secret', async () => {
    const key = keyFor('hmac-sha256');
    const wrong = { ...key, secret: generateSecret('hmac-sha256') };
    serve(key, (v) => [signMessage(responseTo(v.unsigned, [SOA]), wrong, { requestMac: v.mac }).message]);
    const out = await runDig(responder.port, key, ['example.test', 'SOA']);
    expect(seen.map((s) => s.status)).toEqual(['ok']);
    expect(out).toMatch(/tsig verify failure/);
    expect(out).toMatch(DIG_TSIG_FAILURE);
  });

  it('dig reports a failure when our answer is signed without the request MAC', async () => {
    const key = keyFor('hmac-sha256');
    serve(key, (v) => [signMessage(responseTo(v.unsigned, [SOA]), key).message]);
    expect(await runDig(responder.port, key, ['example.test', 'SOA'])).toMatch(DIG_TSIG_FAILURE);
  });

  it('BADSIG: a query signed with another secret gets NOTAUTH with an unsigned BADSIG TSIG that dig understands', async () => {
    const key = keyFor('hmac-sha256');
    serve({ ...key, secret: generateSecret('hmac-sha256') }, () => []);
    const out = await runDig(responder.port, key, ['example.test', 'SOA']);
    expect(seen.map((s) => (s.status === 'error' ? s.tsigError : s.status))).toEqual(['BADSIG']);
    expect(out).toContain('status: NOTAUTH');
    expect(out).toMatch(/testkey\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADSIG 0/);
  });

  it('BADKEY: an unknown key gets NOTAUTH with an unsigned BADKEY TSIG', async () => {
    const key = keyFor('hmac-sha256');
    serve({ ...key, name: 'otherkey.' }, () => []);
    const out = await runDig(responder.port, key, ['example.test', 'SOA']);
    expect(seen.map((s) => (s.status === 'error' ? s.tsigError : s.status))).toEqual(['BADKEY']);
    expect(out).toContain('status: NOTAUTH');
    expect(out).toMatch(/testkey\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY 0/);
  });

  it("BADTIME: a skewed server clock gets a signed BADTIME reply that dig authenticates", async () => {
    const key = keyFor('hmac-sha256');
    serve(key, () => [], 1000);
    const out = await runDig(responder.port, key, ['example.test', 'SOA']);
    expect(seen.map((s) => (s.status === 'error' ? s.tsigError : s.status))).toEqual(['BADTIME']);
    expect(out).toContain('status: NOTAUTH');
    // BIND says this only after the MAC verified (otherwise: "tsig verify failure").
    expect(out).toContain("Couldn't verify signature: clocks are unsynchronized");
    expect(out).not.toContain('tsig verify failure');
    expect(out).toMatch(/testkey\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ BADTIME 6 /);
  });

  it('AXFR over TCP in 3 messages, each signed over the previous MAC (RFC 8945 §5.3.1): dig accepts it', async () => {
    const key = keyFor('hmac-sha256');
    serve(key, (v) => {
      const bodies = [
        responseTo(v.unsigned, [SOA]),
        responseTo(v.unsigned, [
          { name: 'a.example.test.', type: 'A', ttl: 300, data: '192.0.2.1' },
          { name: 'b.example.test.', type: 'A', ttl: 300, data: '192.0.2.2' },
        ]),
        responseTo(v.unsigned, [SOA]),
      ];
      const out: Buffer[] = [];
      let prev = v.mac;
      for (const [i, b] of bodies.entries()) {
        const s = i === 0 ? signMessage(b, key, { requestMac: v.mac }) : signMessage(b, key, { previousMac: prev });
        out.push(s.message);
        prev = s.mac;
      }
      return out;
    });
    const out = await runDig(responder.port, key, ['example.test', 'AXFR', '+tcp']);
    expect(seen.map((s) => s.status)).toEqual(['ok']);
    expect(responder.queries.at(-1)?.transport).toBe('tcp');
    expect(out).not.toMatch(DIG_TSIG_FAILURE);
    expect(out).toMatch(/a\.example\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.1/);
    expect(out).toMatch(/b\.example\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.2/);
    expect(out.match(/IN\s+SOA/g)).toHaveLength(2);
    expect(out).toMatch(/XFR size: 4 records \(messages 3/);
  });

  it('AXFR: dig rejects later messages signed with all variables instead of the timers', async () => {
    const key = keyFor('hmac-sha256');
    serve(key, (v) => {
      const first = signMessage(responseTo(v.unsigned, [SOA]), key, { requestMac: v.mac });
      const last = signMessage(responseTo(v.unsigned, [SOA]), key, { previousMac: first.mac, timersOnly: false });
      return [first.message, last.message];
    });
    expect(await runDig(responder.port, key, ['example.test', 'AXFR', '+tcp'])).toMatch(DIG_TSIG_FAILURE);
  });

  it('the responder saw no handler errors', () => {
    expect(responder.errors).toEqual([]);
  });
});
