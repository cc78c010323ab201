// A zone's contact: the mailbox people type (hostmaster@example.com) and the
// SOA RNAME that holds it (hostmaster.example.com., RFC 1035 §8). The new-zone
// form, the zone defaults, the SOA editor and the change service all read a
// contact with contactToRname; pages show an RNAME with rnameToContact.
import { canonicalName, displayName, DnsNameError } from './names.ts';

/**
 * `hostmaster@example.com`, or an RNAME as written (absolute, or relative to
 * `origin`), as the SOA RNAME. Throws DnsNameError with a message for people.
 */
export function contactToRname(text: string, origin: string): string {
  const t = text.trim();
  const at = t.indexOf('@');
  if (at < 0) return canonicalName(t, origin);
  const local = t.slice(0, at);
  const domain = t.slice(at + 1).replace(/\.$/, '');
  if (!local || !domain || domain.includes('@')) throw new DnsNameError(`"${t}" is not a mailbox; write it like hostmaster@example.com`);
  // The RNAME would need the dot escaped (john\.doe.example.com.), which few tools read back right: refused instead.
  if (local.includes('.')) throw new DnsNameError(`use a mailbox without dots in "${t}", like hostmaster@${domain}`);
  return canonicalName(`${local}.${domain}.`);
}

/** An RNAME as the mailbox it stands for (hostmaster.example.com. → hostmaster@example.com); a one-label name as shown. */
export function rnameToContact(rname: string): string {
  const shown = displayName(rname);
  // The first label is the mailbox: up to the first dot that is not escaped.
  const m = /^((?:[^.\\]|\\.)+)\.(.+)$/.exec(shown);
  return m ? `${m[1]!.replace(/\\\./g, '.')}@${m[2]}` : shown;
}
