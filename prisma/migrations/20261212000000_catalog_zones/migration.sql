-- Issue 20: catalog zones (RFC 9432). A catalog zone's role, a member's
-- catalog, unique label and group, and a consumer catalog's member primaries.
-- Plain ALTERs: the Zone table is not rebuilt (SQLite adds a column with a
-- foreign key in place when its default is NULL).

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN "catalogRole" TEXT;
ALTER TABLE "Zone" ADD COLUMN "catalogId" INTEGER CONSTRAINT "Zone_catalogId_fkey" REFERENCES "Zone" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Zone" ADD COLUMN "catalogLabel" TEXT;
ALTER TABLE "Zone" ADD COLUMN "catalogGroup" TEXT;
ALTER TABLE "Zone" ADD COLUMN "memberPrimaries" TEXT NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "Zone_catalogId_idx" ON "Zone"("catalogId");
