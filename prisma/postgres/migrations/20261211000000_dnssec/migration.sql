-- Issue 19: DNSSEC. A zone's signing state and its keys (see the SQLite
-- migration of the same name).

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN     "dnssec" TEXT,
ADD COLUMN     "resignAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DnssecKey" (
    "id" SERIAL NOT NULL,
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
    "stateSince" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DnssecKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DnssecKey_zoneId_idx" ON "DnssecKey"("zoneId");

-- CreateIndex
CREATE INDEX "DnssecKey_state_stateSince_idx" ON "DnssecKey"("state", "stateSince");

-- CreateIndex
CREATE INDEX "Zone_resignAt_idx" ON "Zone"("resignAt");

-- AddForeignKey
ALTER TABLE "DnssecKey" ADD CONSTRAINT "DnssecKey_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

