// The addresses of the activity page (app/(app)/activity/), built in one place
// for the links to it: the header, changelogs, Settings → Users, /account.
import { hrefWith } from '../list-params';

/** The filters the activity page reads from its URL. */
export interface ActivityParams {
  user?: string;
  zone?: string;
  q?: string;
  from?: string;
  to?: string;
  before?: number;
  after?: number;
}

/** /activity with the given filters, empty ones left out; `{ user }` alone is that user's activity page. */
export function activityHref(p: ActivityParams = {}): string {
  return hrefWith('/activity', { ...p });
}
