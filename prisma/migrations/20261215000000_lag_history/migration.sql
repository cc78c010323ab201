-- CreateTable
CREATE TABLE "LagSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "state" TEXT NOT NULL,
    "lagSeconds" INTEGER,
    "lagSerials" INTEGER,
    CONSTRAINT "LagSample_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ServeTime" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zoneId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "serial" BIGINT NOT NULL,
    "committedAt" DATETIME NOT NULL,
    "servedAt" DATETIME NOT NULL,
    "ms" INTEGER NOT NULL,
    CONSTRAINT "ServeTime_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "LagSample_zoneId_at_idx" ON "LagSample"("zoneId", "at");

-- CreateIndex
CREATE INDEX "LagSample_at_idx" ON "LagSample"("at");

-- CreateIndex
CREATE INDEX "ServeTime_zoneId_servedAt_idx" ON "ServeTime"("zoneId", "servedAt");

-- CreateIndex
CREATE INDEX "ServeTime_servedAt_idx" ON "ServeTime"("servedAt");

