// The zone editor's per-type record fields: which inputs each record type
// has, how their values become presentation-format content, and back (to
// prefill an edit). Pure and browser-safe; the content is then checked by the
// same validators the change service uses (lib/zones/validate.ts).
import { txtStrings } from '../dns/txt';

export const EDITOR_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'CAA', 'PTR', 'DS', 'TLSA', 'SSHFP', 'NAPTR'] as const;
export type EditorType = (typeof EDITOR_TYPES)[number];

export function isEditorType(t: string): t is EditorType {
  return (EDITOR_TYPES as readonly string[]).includes(t);
}

export type FieldKind = 'int' | 'name' | 'address' | 'text' | 'longtext' | 'hex' | 'string';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  placeholder?: string;
  min?: number;
  max?: number;
}

const u16 = { min: 0, max: 65535 };
const u8 = { min: 0, max: 255 };

/** The inputs of each type, in the order its content is written (RFC 1035 §5.1 presentation order). */
export const TYPE_FIELDS: Record<EditorType, readonly FieldSpec[]> = {
  A: [{ key: 'address', label: 'IPv4 address', kind: 'address', placeholder: '192.0.2.1' }],
  AAAA: [{ key: 'address', label: 'IPv6 address', kind: 'address', placeholder: '2001:db8::1' }],
  CNAME: [{ key: 'target', label: 'Alias of', kind: 'name', placeholder: 'www.example.com.', hint: 'End with a dot for a name outside the zone.' }],
  NS: [{ key: 'host', label: 'Name server', kind: 'name', placeholder: 'ns1.example.com.' }],
  PTR: [{ key: 'target', label: 'Points to', kind: 'name', placeholder: 'host.example.com.' }],
  MX: [
    { key: 'priority', label: 'Priority', kind: 'int', ...u16, placeholder: '10' },
    { key: 'host', label: 'Mail server', kind: 'name', placeholder: 'mail.example.com.' },
  ],
  TXT: [
    {
      key: 'text',
      label: 'Text',
      kind: 'longtext',
      placeholder: 'v=spf1 -all',
      hint: 'Plain text; quotes are added for you and text over 255 bytes is split into several strings. Start with " to write the strings yourself.',
    },
  ],
  SRV: [
    { key: 'priority', label: 'Priority', kind: 'int', ...u16, placeholder: '10' },
    { key: 'weight', label: 'Weight', kind: 'int', ...u16, placeholder: '5' },
    { key: 'port', label: 'Port', kind: 'int', ...u16, placeholder: '5060' },
    { key: 'target', label: 'Target', kind: 'name', placeholder: 'sip.example.com.' },
  ],
  CAA: [
    { key: 'flags', label: 'Flags', kind: 'int', ...u8, placeholder: '0', hint: '128 marks the tag critical.' },
    { key: 'tag', label: 'Tag', kind: 'string', placeholder: 'issue', hint: 'issue, issuewild or iodef.' },
    { key: 'value', label: 'Value', kind: 'text', placeholder: 'letsencrypt.org' },
  ],
  DS: [
    { key: 'keyTag', label: 'Key tag', kind: 'int', ...u16 },
    { key: 'algorithm', label: 'Algorithm', kind: 'int', ...u8, placeholder: '13' },
    { key: 'digestType', label: 'Digest type', kind: 'int', ...u8, placeholder: '2' },
    { key: 'digest', label: 'Digest', kind: 'hex' },
  ],
  TLSA: [
    { key: 'usage', label: 'Usage', kind: 'int', ...u8, placeholder: '3' },
    { key: 'selector', label: 'Selector', kind: 'int', ...u8, placeholder: '1' },
    { key: 'matchingType', label: 'Matching type', kind: 'int', ...u8, placeholder: '1' },
    { key: 'data', label: 'Certificate data', kind: 'hex' },
  ],
  SSHFP: [
    { key: 'algorithm', label: 'Algorithm', kind: 'int', ...u8, placeholder: '4' },
    { key: 'fpType', label: 'Fingerprint type', kind: 'int', ...u8, placeholder: '2' },
    { key: 'fingerprint', label: 'Fingerprint', kind: 'hex' },
  ],
  NAPTR: [
    { key: 'order', label: 'Order', kind: 'int', ...u16, placeholder: '100' },
    { key: 'preference', label: 'Preference', kind: 'int', ...u16, placeholder: '10' },
    { key: 'flags', label: 'Flags', kind: 'text', placeholder: 'u' },
    { key: 'services', label: 'Services', kind: 'text', placeholder: 'E2U+sip' },
    { key: 'regexp', label: 'Regexp', kind: 'text', placeholder: '!^.*$!sip:info@example.com!' },
    { key: 'replacement', label: 'Replacement', kind: 'name', placeholder: '.' },
  ],
};

export type FieldValues = Record<string, string>;
export type Assembled = { ok: true; content: string } | { ok: false; fieldErrors: Record<string, string> };

/** A character-string in quotes, with `"` and `\` escaped (RFC 1035 §5.1). */
export function quoteString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Plain text as TXT content: one quoted string per at most 255 bytes
 * (lib/dns/txt.ts), cut between characters so none is split.
 */
export function txtContent(text: string): string {
  return txtStrings(text).map(quoteString).join(' ');
}

/** Content from the typed field values; field errors for blank or out-of-range numbers. */
export function assembleContent(type: EditorType, values: FieldValues): Assembled {
  const errors: Record<string, string> = {};
  const out: string[] = [];
  for (const f of TYPE_FIELDS[type]) {
    const raw = values[f.key] ?? '';
    const v = f.kind === 'longtext' || f.kind === 'text' ? raw : raw.trim();
    if (f.kind === 'longtext') {
      if (v.trim() === '') errors[f.key] = `Enter the ${f.label.toLowerCase()}`;
      else out.push(v.trimStart().startsWith('"') ? v.trim() : txtContent(v));
      continue;
    }
    if (f.kind === 'text') {
      // NAPTR flags may be empty; a CAA value may be too (RFC 8659 §4.2 "issue ;").
      out.push(quoteString(v));
      continue;
    }
    if (v === '') {
      errors[f.key] = `Enter the ${f.label.toLowerCase()}`;
      continue;
    }
    if (f.kind === 'int') {
      if (!/^\d+$/.test(v) || Number(v) < (f.min ?? 0) || Number(v) > (f.max ?? Number.MAX_SAFE_INTEGER)) {
        errors[f.key] = `${f.label} must be a whole number from ${f.min ?? 0} to ${f.max}`;
        continue;
      }
      out.push(String(Number(v)));
      continue;
    }
    if (f.kind === 'hex') {
      const hex = v.replace(/\s+/g, '');
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) {
        errors[f.key] = `${f.label} must be hexadecimal digits in pairs`;
        continue;
      }
      out.push(hex.toUpperCase());
      continue;
    }
    if (/\s/.test(v)) {
      errors[f.key] = `${f.label} cannot contain spaces`;
      continue;
    }
    out.push(v);
  }
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, content: out.join(' ') };
}

interface Piece {
  text: string;
  quoted: boolean;
}

/** Presentation tokens, quotes removed and `\"` `\\` unescaped (other escapes kept as written). */
function pieces(content: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < content.length) {
    if (/\s/.test(content[i]!)) {
      i++;
      continue;
    }
    if (content[i] === '"') {
      let text = '';
      i++;
      while (i < content.length && content[i] !== '"') {
        if (content[i] === '\\' && (content[i + 1] === '"' || content[i + 1] === '\\')) {
          text += content[i + 1];
          i += 2;
        } else text += content[i++];
      }
      i++;
      out.push({ text, quoted: true });
    } else {
      const start = i;
      while (i < content.length && !/\s/.test(content[i]!)) i++;
      out.push({ text: content.slice(start, i), quoted: false });
    }
  }
  return out;
}

/** The field values that assemble back to `content` (to prefill an edit). */
export function splitContent(type: EditorType, content: string): FieldValues {
  const specs = TYPE_FIELDS[type];
  const p = pieces(content);
  if (type === 'TXT') {
    // Strings cut at 255 bytes by us read back as one text; anything else is shown as written.
    const joined = p.map((x) => x.text).join('');
    const cut = txtStrings(joined);
    const autoSplit = p.every((x, i) => x.quoted && !x.text.includes('\\') && x.text === cut[i]) && cut.length === p.length;
    return { text: autoSplit ? joined : content };
  }
  const values: FieldValues = {};
  specs.forEach((f, i) => {
    // Hex may come split over several tokens; the last field takes the rest.
    values[f.key] = i === specs.length - 1 && f.kind === 'hex' ? p.slice(i).map((x) => x.text).join('') : (p[i]?.text ?? '');
  });
  return values;
}
