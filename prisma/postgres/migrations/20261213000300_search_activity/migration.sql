-- Issue 21, global search and activity pages.
-- Record.target now also holds what CNAME, PTR and SRV records point at and the
-- address of A and AAAA records (lib/zones/validate.ts storedTarget): filled
-- here for the records stored before, then indexed with the owner name so that
-- a search reads only the matching rows of every zone.
UPDATE "Record" SET "target" = "content" WHERE "type" IN ('A', 'AAAA', 'CNAME', 'PTR');
-- SRV: "priority weight port target".
UPDATE "Record" SET "target" = split_part("content", ' ', 4) WHERE "type" = 'SRV';

CREATE INDEX "Record_name_idx" ON "Record"("name");
CREATE INDEX "Record_target_idx" ON "Record"("target");

-- The activity pages: one user's changes newest first, and date ranges.
CREATE INDEX "Change_userId_id_idx" ON "Change"("userId", "id");
CREATE INDEX "Change_createdAt_idx" ON "Change"("createdAt");
