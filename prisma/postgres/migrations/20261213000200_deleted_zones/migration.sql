-- Issue 21: deleted zones kept for restoring (lib/zones/deleted-zones.ts), a second admin's
-- confirmation of a deletion (lib/zones/zone-deletion.ts), and a PTR change's link to its A/AAAA change.
-- AlterTable
ALTER TABLE "Change" ADD COLUMN     "linkedChangeId" INTEGER;

-- CreateTable
CREATE TABLE "ZoneDeletionRequest" (
    "zoneId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ZoneDeletionRequest_pkey" PRIMARY KEY ("zoneId")
);

-- CreateTable
CREATE TABLE "DeletedZone" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "serial" BIGINT NOT NULL,
    "recordCount" INTEGER NOT NULL,
    "settings" TEXT NOT NULL,
    "deletedBy" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeletedZone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeletedRecord" (
    "id" INTEGER NOT NULL,
    "deletedZoneId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "ttl" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "target" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "DeletedRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeletedChange" (
    "id" INTEGER NOT NULL,
    "deletedZoneId" INTEGER NOT NULL,
    "userId" INTEGER,
    "actor" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "oldSerial" BIGINT NOT NULL,
    "newSerial" BIGINT NOT NULL,
    "version" INTEGER,
    "removed" TEXT NOT NULL,
    "added" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "linkedChangeId" INTEGER,

    CONSTRAINT "DeletedChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeletedChangePart" (
    "id" INTEGER NOT NULL,
    "deletedZoneId" INTEGER NOT NULL,
    "changeId" INTEGER NOT NULL,
    "removed" TEXT NOT NULL,
    "added" TEXT NOT NULL,

    CONSTRAINT "DeletedChangePart_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeletedZone_deletedAt_idx" ON "DeletedZone"("deletedAt");

-- CreateIndex
CREATE INDEX "DeletedZone_name_idx" ON "DeletedZone"("name");

-- CreateIndex
CREATE INDEX "DeletedRecord_deletedZoneId_id_idx" ON "DeletedRecord"("deletedZoneId", "id");

-- CreateIndex
CREATE INDEX "DeletedChange_deletedZoneId_id_idx" ON "DeletedChange"("deletedZoneId", "id");

-- CreateIndex
CREATE INDEX "DeletedChangePart_deletedZoneId_id_idx" ON "DeletedChangePart"("deletedZoneId", "id");

-- AddForeignKey
ALTER TABLE "ZoneDeletionRequest" ADD CONSTRAINT "ZoneDeletionRequest_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeletedRecord" ADD CONSTRAINT "DeletedRecord_deletedZoneId_fkey" FOREIGN KEY ("deletedZoneId") REFERENCES "DeletedZone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeletedChange" ADD CONSTRAINT "DeletedChange_deletedZoneId_fkey" FOREIGN KEY ("deletedZoneId") REFERENCES "DeletedZone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeletedChangePart" ADD CONSTRAINT "DeletedChangePart_deletedZoneId_fkey" FOREIGN KEY ("deletedZoneId") REFERENCES "DeletedZone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "Change_linkedChangeId_idx" ON "Change"("linkedChangeId");
