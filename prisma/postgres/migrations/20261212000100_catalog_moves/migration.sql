-- Issue 20: see the SQLite migration of the same name.
-- CreateTable
CREATE TABLE "CatalogMove" (
    "id" SERIAL NOT NULL,
    "catalogId" INTEGER NOT NULL,
    "zone" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogMove_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CatalogMove_zone_key" ON "CatalogMove"("zone");

-- CreateIndex
CREATE INDEX "CatalogMove_dueAt_idx" ON "CatalogMove"("dueAt");

-- AddForeignKey
ALTER TABLE "CatalogMove" ADD CONSTRAINT "CatalogMove_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

