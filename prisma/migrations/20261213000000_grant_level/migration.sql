-- Issue 21: a grant lets an editor edit a zone, or only request changes to it
-- (the "requester" right, lib/auth/zone-access.ts).
ALTER TABLE "ZoneGrant" ADD COLUMN "level" TEXT NOT NULL DEFAULT 'edit';
