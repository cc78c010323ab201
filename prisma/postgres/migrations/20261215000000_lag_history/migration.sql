-- CreateTable
CREATE TABLE "LagSample" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL,
    "lagSeconds" INTEGER,
    "lagSerials" INTEGER,

    CONSTRAINT "LagSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServeTime" (
    "id" SERIAL NOT NULL,
    "zoneId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "serial" BIGINT NOT NULL,
    "committedAt" TIMESTAMP(3) NOT NULL,
    "servedAt" TIMESTAMP(3) NOT NULL,
    "ms" INTEGER NOT NULL,

    CONSTRAINT "ServeTime_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LagSample_zoneId_at_idx" ON "LagSample"("zoneId", "at");

-- CreateIndex
CREATE INDEX "LagSample_at_idx" ON "LagSample"("at");

-- CreateIndex
CREATE INDEX "ServeTime_zoneId_servedAt_idx" ON "ServeTime"("zoneId", "servedAt");

-- CreateIndex
CREATE INDEX "ServeTime_servedAt_idx" ON "ServeTime"("servedAt");

-- AddForeignKey
ALTER TABLE "LagSample" ADD CONSTRAINT "LagSample_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServeTime" ADD CONSTRAINT "ServeTime_zoneId_fkey" FOREIGN KEY ("zoneId") REFERENCES "Zone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

