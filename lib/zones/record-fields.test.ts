// Per-type record fields: assembled content must be what the change service
// accepts, long TXT text is split at 255 bytes, and an edit prefills back.
import { describe, expect, it } from 'vitest';
import { normalizeContent } from '../dns/rdata';
import { assembleContent, EDITOR_TYPES, splitContent, TYPE_FIELDS, txtContent, type EditorType } from './record-fields';

const Z = 'example.com.';

/** Strings of a TXT content, unquoted. */
function strings(content: string): string[] {
  return [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
}

describe('TXT splitting', () => {
  it('keeps short text as one quoted string, escaping quotes and backslashes', () => {
    expect(txtContent('v=spf1 -all')).toBe('"v=spf1 -all"');
    expect(txtContent('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('splits long text into 255-byte strings that the validator accepts unchanged', () => {
    const text = 'k'.repeat(600);
    const content = txtContent(text);
    expect(strings(content).map((s) => s.length)).toEqual([255, 255, 90]);
    expect(normalizeContent('TXT', content, Z)).toBe(content);
  });

  it('never cuts a multi-byte character', () => {
    const content = txtContent('é'.repeat(200)); // 400 bytes
    const parts = strings(content);
    expect(parts.map((s) => new TextEncoder().encode(s).length)).toEqual([254, 146]);
    expect(parts.join('')).toBe('é'.repeat(200));
  });

  it('cuts typed text where the zone-file parser cuts the same text, and reads a cut at a character back as one text', () => {
    const text = `${'a'.repeat(254)}€${'b'.repeat(300)}`; // the euro sign (3 bytes) straddles byte 255
    const content = txtContent(text);
    expect(normalizeContent('TXT', `"${text}"`, Z)).toBe(content);
    expect(strings(content).map((s) => new TextEncoder().encode(s).length)).toEqual([254, 255, 48]);
    expect(splitContent('TXT', content)).toEqual({ text });
  });
});

const EXAMPLES: Record<EditorType, [Record<string, string>, string]> = {
  A: [{ address: '192.0.2.1' }, '192.0.2.1'],
  AAAA: [{ address: '2001:DB8::1' }, '2001:db8::1'],
  CNAME: [{ target: 'www' }, 'www.example.com.'],
  MX: [{ priority: '10', host: 'mx.example.com.' }, '10 mx.example.com.'],
  NS: [{ host: 'ns2.example.net.' }, 'ns2.example.net.'],
  TXT: [{ text: 'hello world' }, '"hello world"'],
  SRV: [{ priority: '10', weight: '5', port: '5060', target: 'sip' }, '10 5 5060 sip.example.com.'],
  CAA: [{ flags: '0', tag: 'issue', value: 'letsencrypt.org' }, '0 issue "letsencrypt.org"'],
  PTR: [{ target: 'host.example.com.' }, 'host.example.com.'],
  DS: [{ keyTag: '12345', algorithm: '13', digestType: '2', digest: 'ab'.repeat(32) }, `12345 13 2 ${'AB'.repeat(32)}`],
  TLSA: [{ usage: '3', selector: '1', matchingType: '1', data: 'cd'.repeat(32) }, `3 1 1 ${'CD'.repeat(32)}`],
  SSHFP: [{ algorithm: '4', fpType: '2', fingerprint: 'ef'.repeat(32) }, `4 2 ${'EF'.repeat(32)}`],
  NAPTR: [
    { order: '100', preference: '10', flags: 'u', services: 'E2U+sip', regexp: '!^.*$!sip:info@example.com!', replacement: '.' },
    '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .',
  ],
};

describe('assembleContent', () => {
  it.each(EDITOR_TYPES.map((t) => [t]))('%s fields make content the validator accepts, and prefill back', (type) => {
    const [values, canonical] = EXAMPLES[type];
    const r = assembleContent(type, values);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(normalizeContent(type, r.content, Z)).toBe(canonical);
    // Prefilling an edit from stored content and assembling again gives the same record.
    const again = assembleContent(type, splitContent(type, canonical));
    expect(again.ok && normalizeContent(type, again.content, Z)).toBe(canonical);
  });

  it('names the field that is missing or out of range', () => {
    expect(assembleContent('MX', { priority: '70000', host: '' })).toEqual({
      ok: false,
      fieldErrors: { priority: 'Priority must be a whole number from 0 to 65535', host: 'Enter the mail server' },
    });
    expect(assembleContent('DS', { keyTag: '1', algorithm: '13', digestType: '2', digest: 'xyz' })).toMatchObject({ ok: false, fieldErrors: { digest: expect.stringMatching(/hexadecimal/) } });
    expect(assembleContent('A', { address: '192.0.2.1 192.0.2.2' })).toMatchObject({ ok: false, fieldErrors: { address: expect.stringMatching(/spaces/) } });
  });

  it('reads a long stored TXT back as one text, and hand-written strings as written', () => {
    const long = txtContent('z'.repeat(300));
    expect(splitContent('TXT', long)).toEqual({ text: 'z'.repeat(300) });
    expect(splitContent('TXT', '"a" "b"')).toEqual({ text: '"a" "b"' });
    expect(assembleContent('TXT', { text: '"a" "b"' })).toEqual({ ok: true, content: '"a" "b"' });
  });

  it('has fields for every editor type', () => {
    for (const t of EDITOR_TYPES) expect(TYPE_FIELDS[t].length).toBeGreaterThan(0);
  });
});
