-- Issue 20: a member's old entry in a catalog it moved out of, kept with a coo
-- property until consumers have seen the move (RFC 9432 §5.6).
-- CreateTable
CREATE TABLE "CatalogMove" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "catalogId" INTEGER NOT NULL,
    "zone" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "removeAt" DATETIME NOT NULL,
    CONSTRAINT "CatalogMove_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Zone" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CatalogMove_removeAt_idx" ON "CatalogMove"("removeAt");

-- CreateIndex
CREATE INDEX "CatalogMove_zone_idx" ON "CatalogMove"("zone");

