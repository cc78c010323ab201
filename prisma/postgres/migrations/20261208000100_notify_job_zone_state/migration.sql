-- DropIndex
DROP INDEX "NotifyJob_zoneId_idx";

-- CreateIndex
CREATE INDEX "NotifyJob_zoneId_state_idx" ON "NotifyJob"("zoneId", "state");

