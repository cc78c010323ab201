-- CreateIndex
CREATE INDEX "ZoneEvent_createdAt_idx" ON "ZoneEvent"("createdAt");

