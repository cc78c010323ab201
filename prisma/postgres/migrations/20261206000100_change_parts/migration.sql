-- CreateTable
CREATE TABLE "ChangePart" (
    "id" SERIAL NOT NULL,
    "changeId" INTEGER NOT NULL,
    "removed" TEXT NOT NULL,
    "added" TEXT NOT NULL,

    CONSTRAINT "ChangePart_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChangePart_changeId_id_idx" ON "ChangePart"("changeId", "id");

-- CreateIndex
CREATE INDEX "Record_zoneId_id_idx" ON "Record"("zoneId", "id");

-- AddForeignKey
ALTER TABLE "ChangePart" ADD CONSTRAINT "ChangePart_changeId_fkey" FOREIGN KEY ("changeId") REFERENCES "Change"("id") ON DELETE CASCADE ON UPDATE CASCADE;

