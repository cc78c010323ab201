-- Issue 20: zones moving between catalogs as a change of ownership (RFC 9432
-- §5.6), in the steps lib/zones/catalog.ts takes.
-- CreateTable
CREATE TABLE "CatalogMove" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "catalogId" INTEGER NOT NULL,
    "zone" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    CONSTRAINT "CatalogMove_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CatalogMove_zone_key" ON "CatalogMove"("zone");

-- CreateIndex
CREATE INDEX "CatalogMove_dueAt_idx" ON "CatalogMove"("dueAt");

