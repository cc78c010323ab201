-- Issue 21: change requests (lib/requests) and approval rules; see the SQLite
-- migration of the same name.

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN     "approvalRules" TEXT;

-- AlterTable
ALTER TABLE "Change" ADD COLUMN     "requestId" INTEGER;

-- CreateTable
CREATE TABLE "ChangeRequest" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "requesterId" INTEGER,
    "requesterName" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "edits" TEXT NOT NULL,
    "baseSerial" BIGINT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "reviewerId" INTEGER,
    "reviewerName" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "changeId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "ChangeRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChangeRequest_state_zoneId_idx" ON "ChangeRequest"("state", "zoneId");

-- CreateIndex
CREATE INDEX "ChangeRequest_requesterId_id_idx" ON "ChangeRequest"("requesterId", "id");

-- AddForeignKey
ALTER TABLE "Change" ADD CONSTRAINT "Change_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ChangeRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

