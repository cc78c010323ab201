import type { SerialPolicy } from '@/lib/dns/types';

/** How each serial policy is described in forms and on the zone page. */
export const SERIAL_POLICY_LABELS: Record<SerialPolicy, string> = {
  increment: 'Increment (1, 2, 3 …)',
  date: 'Date (YYYYMMDDnn)',
  unixtime: 'Unix time (seconds)',
};
