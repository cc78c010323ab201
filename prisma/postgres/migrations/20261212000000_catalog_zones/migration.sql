-- Issue 20: catalog zones (RFC 9432); see the SQLite migration of the same name.
-- AlterTable
ALTER TABLE "Zone" ADD COLUMN     "catalogGroup" TEXT,
ADD COLUMN     "catalogId" INTEGER,
ADD COLUMN     "catalogLabel" TEXT,
ADD COLUMN     "catalogRole" TEXT,
ADD COLUMN     "memberPrimaries" TEXT NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "Zone_catalogId_idx" ON "Zone"("catalogId");

-- AddForeignKey
ALTER TABLE "Zone" ADD CONSTRAINT "Zone_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Zone"("id") ON DELETE SET NULL ON UPDATE CASCADE;

