-- AlterTable
ALTER TABLE "NotifyJob" ADD COLUMN "reason" TEXT NOT NULL DEFAULT 'change';

-- CreateIndex
CREATE INDEX "NotifyJob_zoneId_target_serial_idx" ON "NotifyJob"("zoneId", "target", "serial");
