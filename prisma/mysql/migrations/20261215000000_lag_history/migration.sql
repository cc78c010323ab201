-- CreateTable
CREATE TABLE `LagSample` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `target` TEXT NOT NULL,
    `at` DATETIME(3) NOT NULL,
    `state` TEXT NOT NULL,
    `lagSeconds` INT,
    `lagSerials` INT,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ServeTime` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `target` TEXT NOT NULL,
    `serial` BIGINT NOT NULL,
    `committedAt` DATETIME(3) NOT NULL,
    `servedAt` DATETIME(3) NOT NULL,
    `ms` INT NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateIndex
CREATE INDEX `LagSample_zoneId_at_idx` ON `LagSample`(`zoneId`, `at`);

-- CreateIndex
CREATE INDEX `LagSample_at_idx` ON `LagSample`(`at`);

-- CreateIndex
CREATE INDEX `ServeTime_zoneId_servedAt_idx` ON `ServeTime`(`zoneId`, `servedAt`);

-- CreateIndex
CREATE INDEX `ServeTime_servedAt_idx` ON `ServeTime`(`servedAt`);

-- AddForeignKey
ALTER TABLE `LagSample` ADD CONSTRAINT `LagSample_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ServeTime` ADD CONSTRAINT `ServeTime_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

