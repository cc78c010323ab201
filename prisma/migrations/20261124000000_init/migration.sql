-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Zone" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Record" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "ttl" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Record_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Change" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "userId" INTEGER,
    "actor" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "oldSerial" BIGINT NOT NULL,
    "newSerial" BIGINT NOT NULL,
    "removed" TEXT NOT NULL,
    "added" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Change_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Change_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NotifyJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "serial" BIGINT NOT NULL,
    "target" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastResult" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "NotifyJob_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReplicaStatus" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "serial" BIGINT,
    "state" TEXT NOT NULL,
    "error" TEXT,
    "rttMs" INTEGER,
    "checkedAt" DATETIME NOT NULL,
    "lastOkAt" DATETIME,
    "workerId" TEXT,
    CONSTRAINT "ReplicaStatus_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ZoneEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ZoneEvent_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");

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

