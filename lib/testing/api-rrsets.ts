// An rrset of a PowerDNS API PATCH body, as the clients send one, for the
// API's tests (lib/api/*.test.ts).

export function rrsetChange(name: string, type: string, contents: string[], changetype = 'REPLACE', ttl = 300) {
  return { name, type, ttl, changetype, records: contents.map((content) => ({ content, disabled: false })) };
}
