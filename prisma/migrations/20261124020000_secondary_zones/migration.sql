-- CreateTable
CREATE TABLE "Autoprimary" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ip" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 53,
    "nameserver" TEXT NOT NULL,
    "account" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Zone" (
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
    "tsigKeyId" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "lastCheckAt" DATETIME,
    "lastRefreshAt" DATETIME,
    "nextRefreshAt" DATETIME,
    "expiresAt" DATETIME,
    "refreshFailures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Zone_tsigKeyId_fkey" FOREIGN KEY ("tsigKeyId") REFERENCES "TsigKey" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Zone" ("allowTransfer", "alsoNotify", "createdAt", "defaultTtl", "id", "kind", "name", "primaries", "serial", "serialPolicy", "soaExpire", "soaMinimum", "soaMname", "soaRefresh", "soaRetry", "soaRname", "soaTtl", "tsigKeyId", "updatedAt", "version") SELECT "allowTransfer", "alsoNotify", "createdAt", "defaultTtl", "id", "kind", "name", "primaries", "serial", "serialPolicy", "soaExpire", "soaMinimum", "soaMname", "soaRefresh", "soaRetry", "soaRname", "soaTtl", "tsigKeyId", "updatedAt", "version" FROM "Zone";
DROP TABLE "Zone";
ALTER TABLE "new_Zone" RENAME TO "Zone";
CREATE UNIQUE INDEX "Zone_name_key" ON "Zone"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Autoprimary_ip_nameserver_key" ON "Autoprimary"("ip", "nameserver");

