// TXT text as <character-string>s: at most 255 octets each (RFC 1035 §3.3),
// so longer text is cut into several strings, never inside a UTF-8
// character. The zone file and wire parser (rdata.ts) cut bytes; the editor
// (lib/zones/record-fields.ts) cuts the text people type, at the same places.

const STRING_BYTES = 255;

/** `bytes` cut into strings of at most 255 octets, each cut moved back to a character's start. */
export function splitTxt(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length <= STRING_BYTES) return [bytes];
  const chunks: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + STRING_BYTES, bytes.length);
    if (end < bytes.length) {
      let cut = end;
      // Continuation bytes are 10xxxxxx; step back at most 3 to a character start.
      while (cut > end - 3 && (bytes[cut]! & 0xc0) === 0x80) cut--;
      if ((bytes[cut]! & 0xc0) !== 0x80 && cut > start) end = cut;
    }
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text as the strings splitTxt cuts it into (one string when it fits). */
export function txtStrings(text: string): string[] {
  return splitTxt(encoder.encode(text)).map((chunk) => decoder.decode(chunk));
}
