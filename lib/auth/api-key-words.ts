// An API key's scope (lib/auth/api-key-scope.ts) in words, the same in
// `zonekeeper apikey list` (lib/cli/commands/apikey.ts) and on the Settings
// page (app/(app)/settings/api-keys). Pure, so pages may import it.
import { displayName } from '../dns/names';
import type { ApiKeyScope } from './api-key-scope';

/** E.g. "example.com; changes only TXT records at _acme-challenge.*", "every zone; read-only". */
export function describeScope(scope: ApiKeyScope): string {
  const zones = scope.zones === null ? 'every zone' : scope.zones.map(displayName).join(', ');
  if (scope.readOnly) return `${zones}; read-only`;
  if (scope.names.length === 0 && scope.types.length === 0) return `${zones}; may change any record`;
  const what = scope.types.length ? `${scope.types.join(', ')} records` : 'records';
  const where = scope.names.length ? ` at ${scope.names.map(displayName).join(', ')}` : '';
  return `${zones}; changes only ${what}${where}`;
}
