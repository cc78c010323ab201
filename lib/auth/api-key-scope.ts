// What an API key may do: the zones it reaches (or all), and optionally the
// owner names and record types it may change (the ACME case: TXT at
// `_acme-challenge.*` only), or nothing at all when it is read-only. Pure:
// the key store (lib/auth/api-keys.ts) reads keys, the HTTP API (lib/api/)
// asks these functions before it reads or changes a zone.
import { canonicalName, DnsNameError, isInZone } from '../dns/names';

export interface ApiKeyScope {
  /** Canonical zone names the key reaches; null for every zone. */
  zones: string[] | null;
  /**
   * Owner names it may change; empty for any. Absolute and canonical; a `*`
   * label stands for one or more labels (`_acme-challenge.*.` is every
   * `_acme-challenge` name, `*.dyn.example.com.` every name below dyn).
   */
  names: string[];
  /** Record types it may change (uppercase); empty for any. */
  types: string[];
  /** Reads only: every change is refused. */
  readOnly: boolean;
}

/** A key that has been checked (lib/auth/api-keys.ts): who is asking, and what it may do. */
export interface ApiKeyPrincipal {
  id: number;
  name: string;
  scope: ApiKeyScope;
}

/** Whether the key reaches `zone` (canonical) at all: to read it, or to change names in it. */
export function keyReachesZone(key: ApiKeyPrincipal, zone: string): boolean {
  return key.scope.zones === null || key.scope.zones.includes(zone);
}

/** Whether `name` (canonical) matches `pattern` (canonical; a `*` label matches one or more labels). */
export function nameMatchesPattern(name: string, pattern: string): boolean {
  const labels = name === '.' ? [] : name.slice(0, -1).split('.');
  const parts = pattern === '.' ? [] : pattern.slice(0, -1).split('.');
  const match = (i: number, j: number): boolean => {
    if (j === parts.length) return i === labels.length;
    if (parts[j] === '*') {
      for (let k = i + 1; k <= labels.length; k++) if (match(k, j + 1)) return true;
      return false;
    }
    return i < labels.length && labels[i] === parts[j] && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/**
 * Why the key may not change the `type` records at `owner` in `zone` (all
 * canonical), in words for the client; null when it may.
 */
export function keyWriteRefusal(key: ApiKeyPrincipal, zone: string, owner: string, type: string): string | null {
  const s = key.scope;
  if (!keyReachesZone(key, zone)) return `API key ${key.name} may not change the zone ${zone}`;
  if (s.readOnly) return `API key ${key.name} is read-only`;
  if (!isInZone(owner, zone)) return `${owner} is not in the zone ${zone}`;
  if (s.names.length > 0 && !s.names.some((p) => nameMatchesPattern(owner, p))) {
    return `API key ${key.name} may change only ${s.names.join(', ')}, not ${owner}`;
  }
  if (s.types.length > 0 && !s.types.includes(type.toUpperCase())) {
    return `API key ${key.name} may change only ${s.types.join(', ')} records, not ${type.toUpperCase()}`;
  }
  return null;
}

/** An owner-name pattern as typed (`_acme-challenge.*`, `*.dyn.example.com`) in canonical form; throws DnsNameError. */
export function canonicalNamePattern(text: string): string {
  const t = text.trim().toLowerCase();
  const labels = (t.endsWith('.') ? t.slice(0, -1) : t).split('.');
  if (labels.some((l) => l === '')) throw new DnsNameError(`"${text}" is not a name pattern, like _acme-challenge.* or *.dyn.example.com`);
  // Each other label is checked as a name is; `*` labels stand for names and stay as they are.
  const checked = labels.map((l) => (l === '*' ? '*' : canonicalName(`${l}.`).slice(0, -1)));
  return `${checked.join('.')}.`;
}
