// Who makes a change to a zone, as every write path of lib/zones takes it.

/**
 * Who makes a change, as the changelog shows it. The change service reads a
 * user's role in its own transaction (lib/zones/creation-rules.ts); an actor
 * without a user is the local operator (the CLI), with an admin's rights.
 */
export interface Actor {
  userId?: number;
  name: string;
  /** The worker creating a zone an autoprimary announced: never at or below an existing zone. */
  autoprimary?: boolean;
  /**
   * The change request this change applies (lib/requests): the actor is its
   * approver; the approval rules count as met unless the approver is the
   * requester (lib/zones/approval-rules.ts), and the Change links to it.
   */
  request?: { id: number; requesterId: number | null };
}
