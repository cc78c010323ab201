-- AlterTable
ALTER TABLE "Zone" ADD COLUMN     "unjournaled" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Change" ADD COLUMN     "version" INTEGER;

-- CreateIndex
CREATE INDEX "Change_zoneId_version_idx" ON "Change"("zoneId", "version");

