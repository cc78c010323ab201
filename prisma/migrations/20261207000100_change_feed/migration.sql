-- CreateTable
CREATE TABLE "ZoneChange" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "zone" TEXT NOT NULL
);

