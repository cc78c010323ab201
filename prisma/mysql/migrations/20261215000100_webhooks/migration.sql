-- CreateTable
CREATE TABLE `Webhook` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `url` TEXT NOT NULL,
    `secret` TEXT,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `WebhookDelivery` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `webhookId` INT NOT NULL,
    `zoneId` INT,
    `zoneName` TEXT NOT NULL,
    `event` TEXT NOT NULL,
    `state` TEXT NOT NULL,
    `body` TEXT NOT NULL,
    `status` VARCHAR(16) NOT NULL DEFAULT 'pending',
    `attempts` INT NOT NULL DEFAULT 0,
    `nextAttemptAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `lastStatus` INT,
    `lastError` TEXT,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `deliveredAt` DATETIME(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ZoneHealth` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `state` TEXT NOT NULL,
    `since` DATETIME(3) NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateIndex
CREATE INDEX `WebhookDelivery_status_nextAttemptAt_idx` ON `WebhookDelivery`(`status`, `nextAttemptAt`);

-- CreateIndex
CREATE INDEX `WebhookDelivery_createdAt_idx` ON `WebhookDelivery`(`createdAt`);

-- CreateIndex
CREATE UNIQUE INDEX `ZoneHealth_zoneId_key` ON `ZoneHealth`(`zoneId`);

-- AddForeignKey
ALTER TABLE `WebhookDelivery` ADD CONSTRAINT `WebhookDelivery_webhookId_fkey` FOREIGN KEY (`webhookId`) REFERENCES `Webhook`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ZoneHealth` ADD CONSTRAINT `ZoneHealth_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

