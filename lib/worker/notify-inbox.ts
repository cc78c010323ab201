// The secondary engine as NOTIFY in sees it: the contract between
// notify-in.ts, which answers a NOTIFY, and lib/worker/secondary/engine.ts,
// which acts on it. Its own module so that the handler context (request.ts)
// can name it without importing the NOTIFY operation.
import type { ListenAddress } from '../config/env';
import type { SecondaryEvent } from './secondary/events';

/** What this server is for a zone, as NOTIFY needs to know. */
export type NotifyZoneInfo =
  | { kind: 'primary'; id: number }
  | { kind: 'secondary'; id: number; primaries: readonly ListenAddress[]; tsigKeyName: string | null };

/** The secondary engine as notify-in sees it (lib/worker/secondary/engine.ts implements it). */
export interface NotifyInbox {
  /** `zone` canonical; undefined when this server does not have the zone. */
  zoneInfo(zone: string): NotifyZoneInfo | undefined;
  /** Whether `address` (canonical) is a registered autoprimary. */
  isAutoprimary(address: string): boolean;
  /** An accepted NOTIFY for one of our secondary zones: check its primaries now. */
  notified(zone: string, from: ListenAddress, serialHint: number | null): void;
  /** An accepted NOTIFY for a zone we do not have, from an autoprimary. */
  notifiedUnknown(zone: string, from: ListenAddress, serialHint: number | null): void;
  /** Records a notify-in event in the background (refusals may be rate-limited). */
  record(event: SecondaryEvent): void;
}
