// TSIG (RFC 8945) without sockets: sign/verify round trips, every failure code, request →
// response and multi-message chaining, error replies, and known-answer digests assembled by hand.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, newResponse, type Message } from './wire';
import {
  algorithmName,
  appendTsigError,
  canonicalKeyName,
  generateSecret,
  isWeakAlgorithm,
  macLength,
  parseAlgorithm,
  secretFromBase64,
  secretToBase64,
  signMessage,
  TSIG_ALGORITHMS,
  TSIG_RCODE,
  verifyMessage,
  type TsigAlgorithm,
  type TsigFailure,
  type TsigKey,
  type TsigVerifyResult,
} from './tsig';

const T0 = 1_700_000_000;
const ALGORITHMS: TsigAlgorithm[] = ['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];

function keyOf(algorithm: TsigAlgorithm, name = 'transfer-key.'): TsigKey {
  return { name, algorithm, secret: Buffer.alloc(macLength(algorithm), 0x5a) };
}

function lookup(...keys: TsigKey[]): (name: string) => TsigKey | undefined {
  return (name) => keys.find((k) => k.name === name);
}

function query(id = 0x2a2a, type = 'SOA'): Message {
  return {
    id,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: false,
    ra: false,
    ad: false,
    cd: false,
    rcode: 0,
    questions: [{ name: 'example.test.', type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
    ednsCount: 0,
  };
}

const SOA = { mname: 'ns1.example.test.', rname: 'hostmaster.example.test.', serial: 7, refresh: 3600, retry: 600, expire: 86400, minimum: 300 };

function response(q: Message, answers: Message['answers']): Buffer {
  const r = newResponse(q);
  r.aa = true;
  r.answers = answers;
  return encodeMessage(r).buf;
}

function ok(r: TsigVerifyResult): Extract<TsigVerifyResult, { status: 'ok' }> {
  if (r.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify({ ...r, mac: undefined, key: undefined })}`);
  return r;
}

function failed(r: TsigVerifyResult): TsigFailure {
  if (r.status !== 'error') throw new Error(`expected an error, got ${r.status}`);
  return r;
}

// Offset where the last record (the TSIG) starts, walking the message independently of tsig.ts.
function lastRecordStart(msg: Buffer): number {
  const d = decodeMessage(msg);
  const total = d.answers.length + d.authorities.length + d.additionals.length + (d.edns ? 1 : 0);
  let pos = 12;
  const skip = (): void => {
    while (msg[pos]! !== 0 && (msg[pos]! & 0xc0) !== 0xc0) pos += msg[pos]! + 1;
    pos += msg[pos]! === 0 ? 1 : 2;
  };
  for (let i = 0; i < d.questions.length; i++) {
    skip();
    pos += 4;
  }
  let start = pos;
  for (let i = 0; i < total; i++) {
    start = pos;
    skip();
    pos += 10 + msg.readUInt16BE(pos + 8);
  }
  return start;
}

describe('sign and verify', () => {
  for (const algorithm of ALGORITHMS) {
    it(`round-trips a request with ${algorithm}`, () => {
      const key = keyOf(algorithm);
      const q = encodeMessage(query()).buf;
      const signed = signMessage(q, key, { timeSigned: T0 });
      expect(signed.mac.length).toBe(macLength(algorithm));
      expect(signed.message.readUInt16BE(10)).toBe(1);
      expect(signed.message.subarray(0, 10)).toEqual(q.subarray(0, 10));
      const r = ok(verifyMessage(signed.message, lookup(key), { now: T0 + 10 }));
      expect(r.key).toBe(key);
      expect(r.mac).toEqual(signed.mac);
      expect(r.timeSigned).toBe(T0);
      expect(r.unsigned).toEqual(q);
    });
  }

  it('is seen by the codec as one TSIG additional record owned by the key name', () => {
    const signed = signMessage(encodeMessage(query()).buf, keyOf('hmac-sha256')).message;
    const d = decodeMessage(signed);
    expect(d.additionals).toHaveLength(1);
    expect(d.additionals[0]).toMatchObject({ name: 'transfer-key.', type: 'TSIG', class: 'ANY', ttl: 0 });
  });

  it('appends after existing additional data and an OPT record', () => {
    const key = keyOf('hmac-sha256');
    const m = query();
    m.edns = { udpSize: 1232, version: 0, dnssecOk: false, options: [] };
    m.ednsCount = 1;
    const q = encodeMessage(m).buf;
    const signed = signMessage(q, key, { timeSigned: T0 });
    expect(signed.message.readUInt16BE(10)).toBe(2);
    expect(ok(verifyMessage(signed.message, lookup(key), { now: T0 })).unsigned).toEqual(q);
    expect(decodeMessage(signed.message).edns?.udpSize).toBe(1232);
  });

  it('says unsigned for a message without TSIG', () => {
    expect(verifyMessage(encodeMessage(query()).buf, lookup())).toEqual({ status: 'unsigned' });
  });

  it('answers FORMERR, not an exception, for garbage', () => {
    expect(failed(verifyMessage(Buffer.from([1, 2, 3]), lookup())).tsigError).toBe('FORMERR');
    const q = encodeMessage(query()).buf;
    const lying = Buffer.from(q);
    lying.writeUInt16BE(5, 6); // five answers that are not there
    expect(failed(verifyMessage(lying, lookup())).tsigError).toBe('FORMERR');
  });

  it('matches key names case-insensitively (RFC 8945 §4.3.3 canonical form)', () => {
    const key = keyOf('hmac-sha256');
    const shouty = { ...key, name: 'Transfer-KEY.' };
    const signed = signMessage(encodeMessage(query()).buf, shouty, { timeSigned: T0 });
    expect(decodeMessage(signed.message).additionals[0]!.name).toBe('transfer-key.');
    expect(ok(verifyMessage(signed.message, lookup(key), { now: T0 })).key).toBe(key);
  });
});

describe('failures', () => {
  const key = keyOf('hmac-sha256');
  const q = encodeMessage(query()).buf;
  const signed = signMessage(q, key, { timeSigned: T0 }).message;

  it('BADSIG for any changed byte of the message or the TSIG rdata; nothing changed ever verifies', () => {
    const tsigAt = lastRecordStart(signed);
    // Label length bytes of the question name are structure: changing one is a FORMERR.
    const lengths = new Set<number>();
    for (let p = 12; ; p += signed[p]! + 1) {
      lengths.add(p);
      if (signed[p] === 0) break;
    }
    for (let i = 0; i < signed.length; i++) {
      // Bytes 0-1 are the ID, which a forwarder may change: the digest covers the Original ID
      // field instead (RFC 8945 §4.3.2), so a changed header ID alone still verifies.
      if (i < 2) continue;
      const t = Buffer.from(signed);
      t[i] = t[i]! ^ 0x01;
      const r = verifyMessage(t, lookup(key), { now: T0 });
      expect(r.status, `byte ${i}`).not.toBe('ok');
      // Flags, question labels, type and class: nothing structural, so the MAC must catch it.
      if ((i >= 2 && i < 4) || (i >= 12 && i < tsigAt && !lengths.has(i))) expect(failed(r).tsigError, `byte ${i}`).toBe('BADSIG');
    }
  });

  it('BADSIG for a different secret, with the key and MAC reported', () => {
    const other = { ...key, secret: Buffer.alloc(32, 1) };
    const f = failed(verifyMessage(signed, lookup(other), { now: T0 }));
    expect(f).toMatchObject({ tsigError: 'BADSIG', keyName: 'transfer-key.', algorithm: 'hmac-sha256.', timeSigned: T0 });
    expect(f.key).toBe(other);
  });

  it('BADKEY for an unknown key name', () => {
    const f = failed(verifyMessage(signed, lookup(keyOf('hmac-sha256', 'other-key.')), { now: T0 }));
    expect(f.tsigError).toBe('BADKEY');
    expect(f.keyName).toBe('transfer-key.');
    expect(f.key).toBeUndefined();
  });

  it('BADKEY when the key has another algorithm', () => {
    const f = failed(verifyMessage(signed, lookup({ ...keyOf('hmac-sha512'), name: 'transfer-key.' }), { now: T0 }));
    expect(f.tsigError).toBe('BADKEY');
    expect(f.algorithm).toBe('hmac-sha256.');
    // Same hash family, other length: still another algorithm.
    const g = failed(verifyMessage(signed, lookup({ ...keyOf('hmac-sha224'), name: 'transfer-key.', secret: key.secret }), { now: T0 }));
    expect(g.tsigError).toBe('BADKEY');
    expect(g.message).toBe('TSIG key transfer-key. is hmac-sha224., not hmac-sha256.');
  });

  it('BADTIME beyond the fudge in either direction, ok at its edge', () => {
    ok(verifyMessage(signed, lookup(key), { now: T0 + 300 }));
    ok(verifyMessage(signed, lookup(key), { now: T0 - 300 }));
    expect(failed(verifyMessage(signed, lookup(key), { now: T0 + 301 })).tsigError).toBe('BADTIME');
    expect(failed(verifyMessage(signed, lookup(key), { now: T0 - 301 })).tsigError).toBe('BADTIME');
    const tight = signMessage(q, key, { timeSigned: T0, fudge: 5 }).message;
    expect(failed(verifyMessage(tight, lookup(key), { now: T0 + 6 })).tsigError).toBe('BADTIME');
  });

  it('checks the MAC before the time, so an unauthenticated message never gets BADTIME', () => {
    const forged = Buffer.from(signed);
    forged[forged.length - 10] = forged[forged.length - 10]! ^ 0xff; // inside the MAC
    expect(failed(verifyMessage(forged, lookup(key), { now: T0 + 10_000 })).tsigError).toBe('BADSIG');
  });

  it('FORMERR when the TSIG is not the last additional record', () => {
    // Another additional record after the TSIG: "example.test. 0 IN A 192.0.2.1".
    const extra = Buffer.concat([
      Buffer.from([7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0]),
      Buffer.from([0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1]),
    ]);
    const m = Buffer.concat([signed, extra]);
    m.writeUInt16BE(2, 10);
    const f = failed(verifyMessage(m, lookup(key), { now: T0 }));
    expect(f.tsigError).toBe('FORMERR');
    expect(f.message).toMatch(/not the last/);
  });

  it('FORMERR when the TSIG sits in the answer section', () => {
    const m = Buffer.from(signed);
    m.writeUInt16BE(1, 6); // ANCOUNT 1
    m.writeUInt16BE(0, 10); // ARCOUNT 0
    expect(failed(verifyMessage(m, lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
  });

  it('FORMERR for two TSIG records', () => {
    const twice = signMessage(signed, key, { timeSigned: T0 }).message;
    const f = failed(verifyMessage(twice, lookup(key), { now: T0 }));
    expect(f.tsigError).toBe('FORMERR');
    expect(f.message).toMatch(/2 TSIG records/);
  });

  it('FORMERR for trailing bytes after the TSIG, and for a TTL other than 0', () => {
    expect(failed(verifyMessage(Buffer.concat([signed, Buffer.from([0])]), lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
    const at = lastRecordStart(signed) + 'transfer-key.'.length + 1 + 4;
    const ttl = Buffer.from(signed);
    ttl.writeUInt32BE(1, at);
    expect(failed(verifyMessage(ttl, lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
  });

  // Rewrites the MAC of the signed message to its first `size` bytes (or pads it).
  function withMacSize(size: number): Buffer {
    const start = lastRecordStart(signed);
    const rd = start + 'transfer-key.'.length + 1 + 10;
    const macAt = rd + 'hmac-sha256.'.length + 1 + 10;
    const mac = signed.subarray(macAt, macAt + 32);
    const newMac = size <= 32 ? mac.subarray(0, size) : Buffer.concat([mac, Buffer.alloc(size - 32)]);
    const out = Buffer.concat([signed.subarray(0, macAt), newMac, signed.subarray(macAt + 32)]);
    out.writeUInt16BE(size, macAt - 2);
    out.writeUInt16BE(signed.readUInt16BE(rd - 2) - 32 + size, rd - 2);
    return out;
  }

  it('BADTRUNC for a valid MAC truncated within the RFC limits (we require the full MAC)', () => {
    const f = failed(verifyMessage(withMacSize(16), lookup(key), { now: T0 }));
    expect(f.tsigError).toBe('BADTRUNC');
    expect(f.mac).toHaveLength(16);
    // A wrong truncated MAC is still BADSIG: the MAC is checked first.
    const wrong = withMacSize(16);
    wrong[wrong.length - 10] = wrong[wrong.length - 10]! ^ 1;
    expect(failed(verifyMessage(wrong, lookup(key), { now: T0 })).tsigError).toBe('BADSIG');
  });

  it('FORMERR for a MAC below max(10, half the hash) or longer than the hash (RFC 8945 §5.2.2.1)', () => {
    expect(failed(verifyMessage(withMacSize(15), lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
    expect(failed(verifyMessage(withMacSize(0), lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
    expect(failed(verifyMessage(withMacSize(33), lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
  });
});

describe('original ID', () => {
  const key = keyOf('hmac-sha256');

  it('signs over the original ID and restores it in the unsigned message', () => {
    const q = encodeMessage(query(0xabcd)).buf;
    const signed = signMessage(q, key, { timeSigned: T0, originalId: 0x1234 }).message;
    expect(signed.readUInt16BE(0)).toBe(0xabcd);
    const r = ok(verifyMessage(signed, lookup(key), { now: T0 }));
    expect(r.unsigned.readUInt16BE(0)).toBe(0x1234);
    expect(r.unsigned.subarray(2)).toEqual(q.subarray(2));
  });

  it('still verifies after a forwarder changed the header ID', () => {
    const q = encodeMessage(query(0x1111)).buf;
    const signed = signMessage(q, key, { timeSigned: T0 }).message;
    const forwarded = Buffer.from(signed);
    forwarded.writeUInt16BE(0x2222, 0);
    expect(ok(verifyMessage(forwarded, lookup(key), { now: T0 })).unsigned).toEqual(q);
  });
});

describe('chaining', () => {
  const key = keyOf('hmac-sha256');
  const qm = query(7, 'AXFR');

  it('request → response: the response digest starts with the request MAC', () => {
    const req = signMessage(encodeMessage(qm).buf, key, { timeSigned: T0 });
    const server = ok(verifyMessage(req.message, lookup(key), { now: T0 + 1 }));
    const res = signMessage(response(qm, [{ name: 'example.test.', type: 'SOA', ttl: 300, data: SOA }]), key, { requestMac: server.mac, timeSigned: T0 + 1 });
    ok(verifyMessage(res.message, lookup(key), { requestMac: req.mac, now: T0 + 1 }));
    expect(failed(verifyMessage(res.message, lookup(key), { now: T0 + 1 })).tsigError).toBe('BADSIG');
    const otherMac = Buffer.from(req.mac);
    otherMac[0] = otherMac[0]! ^ 1;
    expect(failed(verifyMessage(res.message, lookup(key), { requestMac: otherMac, now: T0 + 1 })).tsigError).toBe('BADSIG');
  });

  // An AXFR in three messages, every one signed (RFC 8945 §5.3.1).
  function stream(): { requestMac: Buffer; messages: Buffer[] } {
    const req = signMessage(encodeMessage(qm).buf, key, { timeSigned: T0 });
    const bodies = [
      response(qm, [{ name: 'example.test.', type: 'SOA', ttl: 300, data: SOA }]),
      response(qm, [
        { name: 'a.example.test.', type: 'A', ttl: 300, data: '192.0.2.1' },
        { name: 'b.example.test.', type: 'A', ttl: 300, data: '192.0.2.2' },
      ]),
      response(qm, [{ name: 'example.test.', type: 'SOA', ttl: 300, data: SOA }]),
    ];
    const messages: Buffer[] = [];
    let prev: Buffer | undefined;
    for (const [i, b] of bodies.entries()) {
      const s = i === 0 ? signMessage(b, key, { requestMac: req.mac, timeSigned: T0 }) : signMessage(b, key, { previousMac: prev, timeSigned: T0 + i });
      messages.push(s.message);
      prev = s.mac;
    }
    return { requestMac: req.mac, messages };
  }

  function verifyStream(requestMac: Buffer, messages: Buffer[]): string[] {
    let prev: Buffer | undefined;
    return messages.map((m, i) => {
      const r = verifyMessage(m, lookup(key), i === 0 ? { requestMac, now: T0 } : { previousMac: prev, now: T0 });
      if (r.status === 'ok') prev = r.mac;
      return r.status === 'error' ? r.tsigError : r.status;
    });
  }

  it('a 3-message stream verifies in order', () => {
    const { requestMac, messages } = stream();
    expect(verifyStream(requestMac, messages)).toEqual(['ok', 'ok', 'ok']);
  });

  it('fails when a message is dropped', () => {
    const { requestMac, messages } = stream();
    expect(verifyStream(requestMac, [messages[0]!, messages[2]!])).toEqual(['ok', 'BADSIG']);
  });

  it('fails when messages are reordered', () => {
    const { requestMac, messages } = stream();
    expect(verifyStream(requestMac, [messages[0]!, messages[2]!, messages[1]!])[1]).toBe('BADSIG');
    expect(verifyStream(requestMac, [messages[1]!, messages[0]!, messages[2]!])[0]).toBe('BADSIG');
  });

  it('later messages digest the timers only; all variables do not verify', () => {
    const { requestMac, messages } = stream();
    const first = ok(verifyMessage(messages[0]!, lookup(key), { requestMac, now: T0 }));
    ok(verifyMessage(messages[1]!, lookup(key), { previousMac: first.mac, now: T0 }));
    expect(failed(verifyMessage(messages[1]!, lookup(key), { previousMac: first.mac, timersOnly: false, now: T0 })).tsigError).toBe('BADSIG');
  });
});

describe('known-answer digests, assembled by hand (RFC 8945 §4.3)', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');
  const key: TsigKey = { name: 'testkey.', algorithm: 'hmac-sha256', secret };
  // "testkey." and "hmac-sha256." in uncompressed wire form.
  const keyWire = Buffer.from([7, ...Buffer.from('testkey'), 0]);
  const algWire = Buffer.from([11, ...Buffer.from('hmac-sha256'), 0]);
  // A query for example.test SOA, id 0x1234, no RD: header + question.
  const msg = Buffer.concat([
    Buffer.from([0x12, 0x34, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
    Buffer.from([7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0, 0, 6, 0, 1]),
  ]);
  const time = Buffer.from([0x00, 0x00, 0x65, 0x53, 0xf1, 0x00]); // 1700000000
  const fudge = Buffer.from([0x01, 0x2c]); // 300
  const variables = Buffer.concat([
    keyWire,
    Buffer.from([0x00, 0xff]), // class ANY
    Buffer.from([0, 0, 0, 0]), // TTL 0
    algWire,
    time,
    fudge,
    Buffer.from([0, 0]), // error
    Buffer.from([0, 0]), // other len
  ]);
  const hmac = (...parts: Buffer[]): Buffer => createHmac('sha256', secret).update(Buffer.concat(parts)).digest();

  it('hmac-md5 is named hmac-md5.sig-alg.reg.int. in the RR and digest (RFC 8945 §6), MD5 over the same bytes', () => {
    const md5Key: TsigKey = { name: 'testkey.', algorithm: 'hmac-md5', secret: secret.subarray(0, 16) };
    const md5Wire = Buffer.from([8, ...Buffer.from('hmac-md5'), 7, ...Buffer.from('sig-alg'), 3, ...Buffer.from('reg'), 3, ...Buffer.from('int'), 0]);
    const md5Variables = Buffer.concat([keyWire, Buffer.from([0x00, 0xff, 0, 0, 0, 0]), md5Wire, time, fudge, Buffer.from([0, 0, 0, 0])]);
    const expected = createHmac('md5', md5Key.secret).update(Buffer.concat([msg, md5Variables])).digest();
    const signed = signMessage(msg, md5Key, { timeSigned: T0 });
    expect(signed.mac.toString('hex')).toBe(expected.toString('hex'));
    expect(signed.message.includes(md5Wire)).toBe(true);
    expect(ok(verifyMessage(signed.message, lookup(md5Key), { now: T0 })).unsigned).toEqual(msg);
  });

  it('request: message + all TSIG variables', () => {
    const expected = hmac(msg, variables);
    const signed = signMessage(msg, key, { timeSigned: T0 });
    expect(signed.mac.toString('hex')).toBe(expected.toString('hex'));
    // And the RR itself, byte for byte (RFC 8945 §4.2).
    const rr = Buffer.concat([
      keyWire,
      Buffer.from([0, 250, 0, 255, 0, 0, 0, 0]),
      Buffer.from([0, algWire.length + 16 + 32]),
      algWire,
      time,
      fudge,
      Buffer.from([0, 32]),
      expected,
      Buffer.from([0x12, 0x34, 0, 0, 0, 0]),
    ]);
    const header = Buffer.from(msg.subarray(0, 12));
    header[11] = 1;
    expect(signed.message.toString('hex')).toBe(Buffer.concat([header, msg.subarray(12), rr]).toString('hex'));
  });

  it('response: request MAC (size + MAC) + message + all TSIG variables', () => {
    const requestMac = Buffer.alloc(32, 0xab);
    const expected = hmac(Buffer.from([0, 32]), requestMac, msg, variables);
    expect(signMessage(msg, key, { requestMac, timeSigned: T0 }).mac).toEqual(expected);
  });

  it('later message of a stream: prior MAC + message + timers only', () => {
    const previousMac = Buffer.alloc(32, 0xcd);
    const expected = hmac(Buffer.from([0, 32]), previousMac, msg, time, fudge);
    expect(signMessage(msg, key, { previousMac, timeSigned: T0 }).mac).toEqual(expected);
  });

  it('original ID: the digest covers the message with that ID', () => {
    const withOriginal = Buffer.from(msg);
    withOriginal.writeUInt16BE(0x4321, 0);
    expect(signMessage(msg, key, { timeSigned: T0, originalId: 0x4321 }).mac).toEqual(hmac(withOriginal, variables));
  });

  it('error and other data are digested in place', () => {
    const other = Buffer.from([0, 0, 0x65, 0x53, 0xf2, 0x00]);
    const vars = Buffer.concat([variables.subarray(0, variables.length - 4), Buffer.from([0, 18, 0, 6]), other]);
    expect(signMessage(msg, key, { timeSigned: T0, error: 18, otherData: other }).mac).toEqual(hmac(msg, vars));
  });
});

describe('error replies (RFC 8945 §5.3.2)', () => {
  const key = keyOf('hmac-sha256');
  const qm = query(99);
  const reply = response(qm, []);

  function tsigOf(msg: Buffer): { error: number; macSize: number; timeSigned: number; other: Buffer } {
    const start = lastRecordStart(msg);
    let o = start + msg[start]! + 2 + 10; // one-label key name + TYPE CLASS TTL RDLENGTH
    while (msg[o] !== 0) o += msg[o]! + 1;
    o += 1;
    const timeSigned = msg.readUInt16BE(o) * 2 ** 32 + msg.readUInt32BE(o + 2);
    const macSize = msg.readUInt16BE(o + 8);
    o += 10 + macSize;
    return { error: msg.readUInt16BE(o + 2), macSize, timeSigned, other: msg.subarray(o + 6, o + 6 + msg.readUInt16BE(o + 4)) };
  }

  it('BADKEY: NOTAUTH with an unsigned TSIG naming the key; the client sees peerError', () => {
    const req = signMessage(encodeMessage(qm).buf, { ...key, name: 'nokey.' }, { timeSigned: T0 });
    const f = failed(verifyMessage(req.message, lookup(key), { now: T0 }));
    expect(f.tsigError).toBe('BADKEY');
    const out = appendTsigError(reply, f, { now: T0 });
    const d = decodeMessage(out);
    expect(d.rcode).toBe(9);
    expect(d.additionals[0]).toMatchObject({ name: 'nokey.', type: 'TSIG' });
    expect(tsigOf(out)).toMatchObject({ error: TSIG_RCODE.BADKEY, macSize: 0, timeSigned: T0 });
    const c = failed(verifyMessage(out, lookup(key), { requestMac: req.mac, now: T0 }));
    expect(c).toMatchObject({ tsigError: 'BADKEY', peerError: 17 });
  });

  it('BADSIG: unsigned, error 16', () => {
    const req = signMessage(encodeMessage(qm).buf, { ...key, secret: Buffer.alloc(32, 1) }, { timeSigned: T0 });
    const f = failed(verifyMessage(req.message, lookup(key), { now: T0 }));
    const out = appendTsigError(reply, f, { now: T0 });
    expect(decodeMessage(out).rcode).toBe(9);
    expect(tsigOf(out)).toMatchObject({ error: TSIG_RCODE.BADSIG, macSize: 0 });
    expect(failed(verifyMessage(out, lookup(key), { requestMac: req.mac, now: T0 })).peerError).toBe(16);
  });

  it("BADTIME: signed over the request MAC, the request's time signed, our time in Other Data", () => {
    const req = signMessage(encodeMessage(qm).buf, key, { timeSigned: T0 });
    const serverNow = T0 + 1000;
    const f = failed(verifyMessage(req.message, lookup(key), { now: serverNow }));
    expect(f.tsigError).toBe('BADTIME');
    const out = appendTsigError(reply, f, { now: serverNow });
    expect(decodeMessage(out).rcode).toBe(9);
    const t = tsigOf(out);
    expect(t).toMatchObject({ error: TSIG_RCODE.BADTIME, macSize: 32, timeSigned: T0 });
    expect(t.other.readUInt16BE(0) * 2 ** 32 + t.other.readUInt32BE(2)).toBe(serverNow);
    // The client (whose clock says T0) authenticates it and learns the server's time.
    const c = failed(verifyMessage(out, lookup(key), { requestMac: req.mac, now: T0 }));
    expect(c).toMatchObject({ tsigError: 'BADTIME', peerError: 18, peerTime: serverNow });
    // Without the request MAC it does not authenticate.
    expect(failed(verifyMessage(out, lookup(key), { now: T0 })).tsigError).toBe('BADSIG');
  });

  it('FORMERR: rcode FORMERR and no TSIG', () => {
    const out = appendTsigError(reply, { status: 'error', tsigError: 'FORMERR', message: 'x' });
    const d = decodeMessage(out);
    expect(d.rcode).toBe(1);
    expect(d.additionals).toHaveLength(0);
  });

  it('leaves the input untouched', () => {
    const copy = Buffer.from(reply);
    const req = signMessage(encodeMessage(qm).buf, key, { timeSigned: T0 });
    appendTsigError(reply, failed(verifyMessage(req.message, lookup(key), { now: T0 + 1000 })), { now: T0 + 1000 });
    expect(reply).toEqual(copy);
  });
});

describe('keys and algorithms', () => {
  it('parses algorithm names in any case, with or without the dot', () => {
    expect(parseAlgorithm('hmac-sha256')).toBe('hmac-sha256');
    expect(parseAlgorithm('HMAC-SHA256.')).toBe('hmac-sha256');
    expect(parseAlgorithm('hmac-sha1')).toBe('hmac-sha1');
    expect(parseAlgorithm('Hmac-Sha512')).toBe('hmac-sha512');
    expect(parseAlgorithm('hmac-sha224')).toBe('hmac-sha224');
    expect(parseAlgorithm('HMAC-SHA384.')).toBe('hmac-sha384');
    expect(parseAlgorithm('hmac-md5')).toBe('hmac-md5');
    expect(parseAlgorithm('HMAC-MD5.SIG-ALG.REG.INT.')).toBe('hmac-md5');
    expect(parseAlgorithm('hmac-md5.sig-alg.reg.int')).toBe('hmac-md5');
    expect(parseAlgorithm('hmac-sha256-128')).toBeNull();
    expect(parseAlgorithm('md5')).toBeNull();
    expect(parseAlgorithm('hmac-sha256..')).toBeNull();
    expect(algorithmName('hmac-sha1')).toBe('hmac-sha1.');
    expect(algorithmName('hmac-md5')).toBe('hmac-md5.sig-alg.reg.int.');
    expect(algorithmName('hmac-sha384')).toBe('hmac-sha384.');
    for (const a of TSIG_ALGORITHMS) expect(parseAlgorithm(algorithmName(a))).toBe(a);
  });

  it('calls only hmac-md5 weak', () => {
    expect(TSIG_ALGORITHMS.filter(isWeakAlgorithm)).toEqual(['hmac-md5']);
  });

  // The signed message with its MAC cut to `size` bytes (signMessage leaves no Other Data).
  function truncated(signed: Buffer, full: number, size: number): Buffer {
    const macEnd = signed.length - 6;
    const macAt = macEnd - full;
    const out = Buffer.concat([signed.subarray(0, macAt + size), signed.subarray(macEnd)]);
    out.writeUInt16BE(size, macAt - 2);
    let rd = lastRecordStart(signed);
    while (signed[rd]! !== 0) rd += signed[rd]! + 1;
    rd += 1 + 8; // root byte, type, class, TTL: RDLENGTH
    out.writeUInt16BE(signed.readUInt16BE(rd) - full + size, rd);
    return out;
  }

  it('MAC length limits follow each hash (RFC 8945 §5.2.2.1): max(10 bytes, half the hash)', () => {
    for (const [algorithm, full, shortest] of [['hmac-md5', 16, 10], ['hmac-sha224', 28, 14], ['hmac-sha384', 48, 24]] as const) {
      const key = keyOf(algorithm);
      const signed = signMessage(encodeMessage(query()).buf, key, { timeSigned: T0 }).message;
      expect(macLength(algorithm)).toBe(full);
      expect(failed(verifyMessage(truncated(signed, full, shortest), lookup(key), { now: T0 })).tsigError).toBe('BADTRUNC');
      expect(failed(verifyMessage(truncated(signed, full, shortest - 1), lookup(key), { now: T0 })).tsigError).toBe('FORMERR');
    }
  });

  it('generates secrets as long as the hash, and round-trips them through base64', () => {
    for (const a of ALGORITHMS) {
      const s = generateSecret(a);
      expect(s.length).toBe(macLength(a));
      expect(secretFromBase64(secretToBase64(s))).toEqual(s);
    }
    expect(generateSecret('hmac-sha256')).not.toEqual(generateSecret('hmac-sha256'));
  });

  it('refuses secrets that are not base64', () => {
    expect(() => secretFromBase64('')).toThrow();
    expect(() => secretFromBase64('not base64!')).toThrow();
    expect(() => secretFromBase64('QQ=')).not.toThrow();
    expect(() => secretFromBase64('QR==')).toThrow(); // stray bits: a typo
    expect(secretFromBase64(' QUJD\nREVG ')).toEqual(Buffer.from('ABCDEF'));
  });

  it('canonicalizes key names', () => {
    expect(canonicalKeyName('Transfer-Key')).toBe('transfer-key.');
    expect(canonicalKeyName('a\\.b.EXAMPLE.')).toBe('a\\.b.example.');
    expect(canonicalKeyName('a\\065.')).toBe('aa.');
    expect(() => canonicalKeyName('a..b')).toThrow();
    expect(() => canonicalKeyName(`${'x'.repeat(64)}.`)).toThrow();
  });
});
