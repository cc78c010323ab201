-- Issue 19: DNSSEC. A zone's signing state (how denial is proven, when the
-- worker next refreshes signatures) and its keys, private halves sealed with
-- ZK_DATA_DIR/dnssec-secret. Plain ALTERs: the Zone table is not rebuilt.

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN "dnssec" TEXT;
ALTER TABLE "Zone" ADD COLUMN "resignAt" DATETIME;

-- CreateTable
CREATE TABLE "DnssecKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "algorithm" INTEGER NOT NULL,
    "keyTag" INTEGER NOT NULL,
    "dnskey" TEXT NOT NULL,
    "privateKey" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL,
    "active" BOOLEAN NOT NULL,
    "atParent" BOOLEAN NOT NULL DEFAULT false,
    "stateSince" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DnssecKey_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DnssecKey_zoneId_idx" ON "DnssecKey"("zoneId");

-- CreateIndex
CREATE INDEX "DnssecKey_state_stateSince_idx" ON "DnssecKey"("state", "stateSince");

-- CreateIndex
CREATE INDEX "Zone_resignAt_idx" ON "Zone"("resignAt");

