// TCP framing tests: the length prefix, and reassembly however the byte stream is cut.
import { describe, expect, it } from 'vitest';
import { frame, MAX_TCP_MESSAGE, TcpFrameError, TcpFrameReader } from './tcp-framing';

function msg(length: number, fill: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (fill + i) & 0xff;
  return b;
}

describe('frame', () => {
  it('prefixes the big-endian length', () => {
    const m = msg(300, 1);
    const f = frame(m);
    expect(f.length).toBe(302);
    expect(f.readUInt16BE(0)).toBe(300);
    expect(f.subarray(2)).toEqual(m);
    expect(frame(Buffer.alloc(0))).toEqual(Buffer.from([0, 0]));
  });

  it('accepts 65535 bytes and refuses 65536', () => {
    expect(frame(Buffer.alloc(MAX_TCP_MESSAGE)).readUInt16BE(0)).toBe(65535);
    expect(() => frame(Buffer.alloc(MAX_TCP_MESSAGE + 1))).toThrow(RangeError);
  });
});

describe('TcpFrameReader', () => {
  const a = msg(40, 3);
  const b = msg(513, 7);
  const c = msg(12, 9);
  const stream = Buffer.concat([frame(a), frame(b), frame(c)]);

  it('returns a whole message delivered in one chunk', () => {
    const r = new TcpFrameReader();
    expect(r.push(frame(a))).toEqual([a]);
    expect(r.pending).toBe(0);
  });

  it('handles a length prefix split across chunks', () => {
    const r = new TcpFrameReader();
    const f = frame(b);
    expect(r.push(f.subarray(0, 1))).toEqual([]);
    expect(r.pending).toBe(1);
    expect(r.push(f.subarray(1, 2))).toEqual([]);
    expect(r.pending).toBe(2);
    expect(r.push(f.subarray(2))).toEqual([b]);
    expect(r.pending).toBe(0);
  });

  it('returns every message coalesced into one chunk, in order, and keeps the remainder', () => {
    const r = new TcpFrameReader();
    const cut = stream.length - 5;
    expect(r.push(stream.subarray(0, cut))).toEqual([a, b]);
    expect(r.pending).toBe(frame(c).length - 5);
    expect(r.push(stream.subarray(cut))).toEqual([c]);
    expect(r.pending).toBe(0);
  });

  it('reassembles byte-by-byte delivery', () => {
    const r = new TcpFrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      got.push(...r.push(stream.subarray(i, i + 1)));
      expect(r.pending).toBeLessThanOrEqual(2 + 513);
    }
    expect(got).toEqual([a, b, c]);
    expect(r.pending).toBe(0);
  });

  it('gives the same messages for every way of cutting the stream (seeded)', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    for (let round = 0; round < 200; round++) {
      const r = new TcpFrameReader();
      const got: Buffer[] = [];
      for (let pos = 0; pos < stream.length; ) {
        const n = 1 + Math.floor(rand() * 80);
        got.push(...r.push(stream.subarray(pos, pos + n)));
        pos += n;
      }
      expect(got).toEqual([a, b, c]);
    }
  });

  it('passes a zero-length message through and ignores empty chunks', () => {
    const r = new TcpFrameReader();
    expect(r.push(Buffer.alloc(0))).toEqual([]);
    expect(r.push(Buffer.concat([frame(Buffer.alloc(0)), frame(c)]))).toEqual([Buffer.alloc(0), c]);
  });

  it('refuses a message longer than maxMessage, and stays failed', () => {
    const r = new TcpFrameReader({ maxMessage: 512 });
    expect(r.push(frame(a))).toEqual([a]);
    expect(() => r.push(frame(b).subarray(0, 2))).toThrow(TcpFrameError);
    expect(() => r.push(frame(a))).toThrow(TcpFrameError);
    // The limit is checked as soon as the prefix is complete, even when split.
    const split = new TcpFrameReader({ maxMessage: 512 });
    expect(split.push(frame(b).subarray(0, 1))).toEqual([]);
    expect(() => split.push(frame(b).subarray(1, 2))).toThrow(TcpFrameError);
    expect(() => new TcpFrameReader({ maxMessage: 70000 })).toThrow(RangeError);
  });

  it('accepts the largest message there is', () => {
    const huge = msg(MAX_TCP_MESSAGE, 5);
    const f = frame(huge);
    const r = new TcpFrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < f.length; i += 1000) got.push(...r.push(f.subarray(i, i + 1000)));
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(huge)).toBe(true);
  });
});
