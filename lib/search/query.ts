// What the header's search box was given, read once into the searches it
// asks for (lib/search/data.ts). Pure: no I/O, so the rules are tested alone.
import ipaddr from 'ipaddr.js';
import { absoluteName } from '../dns/names';
import { normalizeContent } from '../dns/rdata';
import { reverseNameOf } from '../dns/reverse';

/** Longer input is cut: no name is longer than 255 octets, and the page echoes it. */
export const MAX_QUERY = 255;

export interface SearchQuery {
  /** What was typed, trimmed and cut to MAX_QUERY. */
  text: string;
  /** Zone names containing this (lowercase, no trailing dot). */
  zoneText: string;
  /** Owner names starting with this (lowercase; a trailing dot keeps it to that one name). Null for an address. */
  namePrefix: string | null;
  /** The host name records may point at (CNAME, MX, NS, SRV, PTR), canonical; null when the text is not a name. */
  host: string | null;
  /** An IP address as A and AAAA records store it, and the name its PTR record lives at. */
  address: { content: string; type: 'A' | 'AAAA'; reverse: string } | null;
}

/**
 * An IPv4 address in dotted decimal, each part read as a decimal number, as
 * people mean 192.0.2.010 (ipaddr.js would read 010 as octal), or null.
 */
function decimalIpv4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map((p) => String(Number(p))).join('.');
}

/** The address in the form A and AAAA records store (lib/dns/rdata.ts), or null when `text` is not one. */
function addressOf(text: string): SearchQuery['address'] {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  const v4 = decimalIpv4(bare);
  if (v4) return { content: v4, type: 'A', reverse: reverseNameOf(v4)! };
  if (!bare.includes(':') || !ipaddr.IPv6.isValid(bare)) return null;
  try {
    const content = normalizeContent('AAAA', bare, '.');
    return { content, type: 'AAAA', reverse: reverseNameOf(content)! };
  } catch {
    return null;
  }
}

function hostOf(text: string): string | null {
  try {
    return absoluteName(text);
  } catch {
    return null;
  }
}

export function parseSearchQuery(raw: string): SearchQuery {
  const text = raw.trim().slice(0, MAX_QUERY);
  const lower = text.toLowerCase();
  const address = text ? addressOf(text) : null;
  return {
    text,
    zoneText: lower.replace(/\.$/, ''),
    namePrefix: address || !lower ? null : lower,
    host: address || !text ? null : hostOf(text),
    address,
  };
}
