-- Issue 21: change requests (lib/requests) and approval rules. A request keeps
-- the editor's edits until someone who may edit the zone approves it as one
-- Change, which points back at it. Plain ALTERs: the Change table, which holds
-- the journal, is not rebuilt (SQLite adds a column with a foreign key in place
-- when its default is NULL).

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN "approvalRules" TEXT;

-- CreateTable
CREATE TABLE "ChangeRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" DATETIME,
    CONSTRAINT "ChangeRequest_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ChangeRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "Change" ADD COLUMN "requestId" INTEGER CONSTRAINT "Change_requestId_fkey" REFERENCES "ChangeRequest" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "ChangeRequest_state_zoneId_idx" ON "ChangeRequest"("state", "zoneId");

-- CreateIndex
CREATE INDEX "ChangeRequest_requesterId_id_idx" ON "ChangeRequest"("requesterId", "id");
