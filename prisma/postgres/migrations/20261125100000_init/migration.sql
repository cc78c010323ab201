-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZoneGrant" (
    "userId" INTEGER NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ZoneGrant_pkey" PRIMARY KEY ("userId","zoneId")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Zone" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "serial" BIGINT NOT NULL,
    "serialPolicy" TEXT NOT NULL DEFAULT 'increment',
    "soaMname" TEXT NOT NULL,
    "soaRname" TEXT NOT NULL,
    "soaRefresh" INTEGER NOT NULL,
    "soaRetry" INTEGER NOT NULL,
    "soaExpire" INTEGER NOT NULL,
    "soaMinimum" INTEGER NOT NULL,
    "soaTtl" INTEGER NOT NULL,
    "defaultTtl" INTEGER NOT NULL,
    "primaries" TEXT NOT NULL DEFAULT '[]',
    "alsoNotify" TEXT NOT NULL DEFAULT '[]',
    "allowTransfer" TEXT NOT NULL DEFAULT '["127.0.0.0/8","::1/128"]',
    "tsigKeyId" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "lastCheckAt" TIMESTAMP(3),
    "lastRefreshAt" TIMESTAMP(3),
    "nextRefreshAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "refreshFailures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Zone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Record" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "ttl" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Change" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "userId" INTEGER,
    "actor" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "oldSerial" BIGINT NOT NULL,
    "newSerial" BIGINT NOT NULL,
    "removed" TEXT NOT NULL,
    "added" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotifyJob" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "serial" BIGINT NOT NULL,
    "target" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastResult" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotifyJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplicaStatus" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "serial" BIGINT,
    "state" TEXT NOT NULL,
    "error" TEXT,
    "rttMs" INTEGER,
    "checkedAt" TIMESTAMP(3) NOT NULL,
    "lastOkAt" TIMESTAMP(3),
    "workerId" TEXT,

    CONSTRAINT "ReplicaStatus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ZoneEvent" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER,
    "zoneName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "peer" TEXT NOT NULL,
    "serial" BIGINT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "records" INTEGER,
    "bytes" INTEGER,
    "durationMs" INTEGER,
    "workerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ZoneEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TsigKey" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TsigKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Autoprimary" (
    "id" SERIAL NOT NULL,
    "ip" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 53,
    "nameserver" TEXT NOT NULL,
    "account" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Autoprimary_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");

-- CreateIndex
CREATE INDEX "ZoneGrant_zoneId_idx" ON "ZoneGrant"("zoneId");

-- CreateIndex
CREATE UNIQUE INDEX "Zone_name_key" ON "Zone"("name");

-- CreateIndex
CREATE INDEX "Record_zoneId_name_type_idx" ON "Record"("zoneId", "name", "type");

-- CreateIndex
CREATE INDEX "Change_zoneId_id_idx" ON "Change"("zoneId", "id");

-- CreateIndex
CREATE INDEX "NotifyJob_state_nextAttemptAt_idx" ON "NotifyJob"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "NotifyJob_zoneId_idx" ON "NotifyJob"("zoneId");

-- CreateIndex
CREATE UNIQUE INDEX "ReplicaStatus_zoneId_target_key" ON "ReplicaStatus"("zoneId", "target");

-- CreateIndex
CREATE INDEX "ZoneEvent_zoneId_createdAt_idx" ON "ZoneEvent"("zoneId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TsigKey_name_key" ON "TsigKey"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Autoprimary_ip_nameserver_key" ON "Autoprimary"("ip", "nameserver");

-- AddForeignKey
ALTER TABLE "ZoneGrant" ADD CONSTRAINT "ZoneGrant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ZoneGrant" ADD CONSTRAINT "ZoneGrant_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Zone" ADD CONSTRAINT "Zone_tsigKeyId_fkey" FOREIGN KEY ("tsigKeyId") REFERENCES "TsigKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Record" ADD CONSTRAINT "Record_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Change" ADD CONSTRAINT "Change_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Change" ADD CONSTRAINT "Change_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotifyJob" ADD CONSTRAINT "NotifyJob_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplicaStatus" ADD CONSTRAINT "ReplicaStatus_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ZoneEvent" ADD CONSTRAINT "ZoneEvent_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

