-- CreateTable
CREATE TABLE "ZoneChange" (
    "seq" SERIAL NOT NULL,
    "zone" TEXT NOT NULL,

    CONSTRAINT "ZoneChange_pkey" PRIMARY KEY ("seq")
);

