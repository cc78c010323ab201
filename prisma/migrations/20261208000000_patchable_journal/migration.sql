-- A worker patches the copy of a zone it serves from the journal (lib/worker/zone-patch.ts):
-- each Change row says which zone version it made, and a zone counts the writes that changed
-- its records without a Change row. Plain ALTERs: the Zone table is not rebuilt.

-- AlterTable
ALTER TABLE "Change" ADD COLUMN "version" INTEGER;

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN "unjournaled" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Change_zoneId_version_idx" ON "Change"("zoneId", "version");
