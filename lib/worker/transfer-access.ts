// Who may transfer a zone (RFC 5936 §5, RFC 8945): the peer's address must be
// in the zone's allow-transfer ranges, and when the zone has a TSIG key the
// request must be signed with that key. Address failures are REFUSED; key
// failures NOTAUTH (with the TSIG error the RFC asks for).
import { addressAllowed } from '../dns/address';
import type { TsigKey, TsigVerifyResult } from '../dns/tsig';
import { RCODE } from '../dns/wire';
import type { ZoneSnapshot } from './zone-snapshot';

export type AccessDecision =
  | { ok: true; key: TsigKey | null }
  | { ok: false; rcode: number; reason: string };

export function checkTransferAccess(zone: ZoneSnapshot, peerAddress: string, tsig: TsigVerifyResult): AccessDecision {
  if (!addressAllowed(peerAddress, zone.transfer.allow)) {
    return { ok: false, rcode: RCODE.REFUSED, reason: `${peerAddress} is not in allow-transfer (${zone.transfer.allow.join(', ') || 'empty'})` };
  }
  const required = zone.transfer.tsigKeyName;
  if (tsig.status === 'error') return { ok: false, rcode: RCODE.NOTAUTH, reason: `TSIG ${tsig.tsigError}: ${tsig.message}` };
  if (required === null) return { ok: true, key: tsig.status === 'ok' ? tsig.key : null };
  if (tsig.status === 'unsigned') return { ok: false, rcode: RCODE.NOTAUTH, reason: `the zone requires TSIG key ${required}; the request was not signed` };
  if (tsig.key.name !== required) {
    return { ok: false, rcode: RCODE.NOTAUTH, reason: `the zone requires TSIG key ${required}; the request was signed with ${tsig.key.name}` };
  }
  return { ok: true, key: tsig.key };
}
