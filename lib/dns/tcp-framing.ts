// DNS over TCP framing: each message behind a 2-byte big-endian length (RFC 1035 §4.2.2, RFC 7766 §8). No sockets.

/** The length prefix is 16 bits, so no message can be longer. */
export const MAX_TCP_MESSAGE = 65535;

/** Prefixes `buf` with its length. Throws RangeError above 65535 bytes. */
export function frame(buf: Buffer): Buffer {
  if (buf.length > MAX_TCP_MESSAGE) throw new RangeError(`DNS message of ${buf.length} bytes exceeds ${MAX_TCP_MESSAGE}`);
  const out = Buffer.allocUnsafe(buf.length + 2);
  out[0] = buf.length >> 8;
  out[1] = buf.length & 0xff;
  buf.copy(out, 2);
  return out;
}

/** A peer announced a message longer than `maxMessage`; the stream cannot be trusted after it. */
export class TcpFrameError extends Error {
  constructor(
    readonly length: number,
    readonly maxMessage: number,
  ) {
    super(`TCP peer announced a ${length}-byte message; the limit is ${maxMessage}`);
    this.name = 'TcpFrameError';
  }
}

/**
 * Reassembles messages from a TCP byte stream, however the stream was cut: a length prefix
 * split across chunks, several messages in one chunk (pipelining, RFC 7766 §6.2.1.1), a message
 * over many chunks. Bytes are buffered without copying until a message is complete, so
 * byte-by-byte delivery stays linear. Returned messages may share memory with the chunks
 * pushed (Node gives each 'data' event a fresh buffer; do not reuse one after pushing it).
 * A zero- or short-length message is passed through: it is the decoder's to reject.
 */
export class TcpFrameReader {
  readonly maxMessage: number;
  private parts: Buffer[] = [];
  private buffered = 0;
  // Body length of the message being assembled, or -1 while its prefix is incomplete.
  private expected = -1;
  private failed = false;

  constructor(opts: { maxMessage?: number } = {}) {
    const max = opts.maxMessage ?? MAX_TCP_MESSAGE;
    if (!Number.isInteger(max) || max < 0 || max > MAX_TCP_MESSAGE) {
      throw new RangeError(`maxMessage must be an integer 0..${MAX_TCP_MESSAGE}, got ${max}`);
    }
    this.maxMessage = max;
  }

  /** Bytes received but not yet part of a returned message (prefix bytes included). */
  get pending(): number {
    return this.buffered;
  }

  /**
   * Feeds one chunk; returns every message it completed, in order. Throws TcpFrameError when
   * a prefix announces more than `maxMessage` (the caller should close the connection), and
   * keeps throwing after that.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw new TcpFrameError(this.expected, this.maxMessage);
    const out: Buffer[] = [];
    if (chunk.length === 0) return out;
    let buf: Buffer;
    if (this.buffered === 0) {
      buf = chunk;
    } else {
      this.parts.push(chunk);
      this.buffered += chunk.length;
      if (this.expected < 0) {
        if (this.buffered < 2) return out;
        this.learnLength(this.byteAt(0), this.byteAt(1));
      }
      if (this.buffered < 2 + this.expected) return out;
      // Only now is the held message complete: join once.
      buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.buffered);
      this.parts = [];
      this.buffered = 0;
      this.expected = -1;
    }

    let pos = 0;
    while (buf.length - pos >= 2) {
      this.learnLength(buf[pos]!, buf[pos + 1]!);
      if (buf.length - pos - 2 < this.expected) break;
      out.push(buf.subarray(pos + 2, pos + 2 + this.expected));
      pos += 2 + this.expected;
      this.expected = -1;
    }
    if (pos < buf.length) {
      const rest = buf.subarray(pos);
      this.parts = [rest];
      this.buffered = rest.length;
    }
    return out;
  }

  private learnLength(hi: number, lo: number): void {
    const length = (hi << 8) | lo;
    if (length > this.maxMessage) {
      this.failed = true;
      this.expected = length;
      this.parts = [];
      this.buffered = 0;
      throw new TcpFrameError(length, this.maxMessage);
    }
    this.expected = length;
  }

  // Byte `i` of the held bytes (only used for the 2-byte prefix, so parts are few).
  private byteAt(i: number): number {
    for (const p of this.parts) {
      if (i < p.length) return p[i]!;
      i -= p.length;
    }
    throw new Error('byteAt past the buffered bytes');
  }
}
