-- AlterTable
ALTER TABLE "Record" ADD COLUMN     "target" TEXT;

-- Backfill: what lib/zones/validate.ts pointerTarget gives (MX content is "PREFERENCE EXCHANGE", one space).
UPDATE "Record" SET "target" = "content" WHERE "type" = 'NS';
UPDATE "Record" SET "target" = substr("content", strpos("content", ' ') + 1) WHERE "type" = 'MX';

-- CreateIndex
CREATE INDEX "Record_zoneId_target_idx" ON "Record"("zoneId", "target");
