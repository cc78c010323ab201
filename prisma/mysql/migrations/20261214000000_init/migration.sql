-- MySQL/MariaDB: every table of the schema as of prisma/postgres/migrations/20261213000400_user_source,
-- written by prisma/mysql/translate.mjs from `prisma migrate diff --from-empty` of the PostgreSQL schema.
-- CreateTable
CREATE TABLE `User` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(191) NOT NULL,
    `passwordHash` TEXT NOT NULL,
    `role` TEXT NOT NULL,
    `disabled` BOOLEAN NOT NULL DEFAULT false,
    `source` TEXT NOT NULL DEFAULT ('local'),
    `dn` TEXT,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Session` (
    `id` VARCHAR(64) NOT NULL,
    `userId` INT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `lastSeenAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `expiresAt` DATETIME(3) NOT NULL,
    `address` TEXT NOT NULL DEFAULT (''),
    `userAgent` TEXT NOT NULL DEFAULT (''),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ZoneGrant` (
    `userId` INT NOT NULL,
    `zoneId` INT NOT NULL,
    `level` TEXT NOT NULL DEFAULT ('edit'),
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`userId`,`zoneId`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Setting` (
    `key` VARCHAR(191) NOT NULL,
    `value` TEXT NOT NULL,
    `updatedAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`key`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Zone` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `kind` TEXT NOT NULL,
    `serial` BIGINT NOT NULL,
    `serialPolicy` TEXT NOT NULL DEFAULT ('increment'),
    `soaMname` TEXT NOT NULL,
    `soaRname` TEXT NOT NULL,
    `soaRefresh` INT NOT NULL,
    `soaRetry` INT NOT NULL,
    `soaExpire` INT NOT NULL,
    `soaMinimum` INT NOT NULL,
    `soaTtl` INT NOT NULL,
    `defaultTtl` INT NOT NULL,
    `primaries` TEXT NOT NULL DEFAULT ('[]'),
    `alsoNotify` TEXT NOT NULL DEFAULT ('[]'),
    `allowTransfer` TEXT NOT NULL DEFAULT ('["127.0.0.0/8","::1/128"]'),
    `tsigKeyId` INT,
    `updatePolicy` TEXT,
    `dnssec` TEXT,
    `resignAt` DATETIME(3),
    `version` INT NOT NULL DEFAULT 1,
    `lastCheckAt` DATETIME(3),
    `lastRefreshAt` DATETIME(3),
    `nextRefreshAt` DATETIME(3),
    `expiresAt` DATETIME(3),
    `refreshFailures` INT NOT NULL DEFAULT 0,
    `lastError` TEXT,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,
    `unjournaled` INT NOT NULL DEFAULT 0,
    `catalogRole` TEXT,
    `catalogId` INT,
    `catalogLabel` TEXT,
    `catalogGroup` TEXT,
    `memberPrimaries` TEXT NOT NULL DEFAULT ('[]'),
    `approvalRules` TEXT,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `CatalogMove` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `catalogId` INT NOT NULL,
    `zone` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `label` TEXT NOT NULL,
    `target` TEXT NOT NULL,
    `stage` TEXT NOT NULL,
    `dueAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ZoneChange` (
    `seq` INT NOT NULL AUTO_INCREMENT,
    `zone` TEXT NOT NULL,

    PRIMARY KEY (`seq`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Record` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `name` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `type` VARCHAR(16) NOT NULL,
    `ttl` INT NOT NULL,
    `content` LONGTEXT NOT NULL,
    `target` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin,
    `disabled` BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Change` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `userId` INT,
    `actor` TEXT NOT NULL,
    `comment` TEXT COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT (''),
    `oldSerial` BIGINT NOT NULL,
    `newSerial` BIGINT NOT NULL,
    `version` INT,
    `removed` LONGTEXT NOT NULL,
    `added` LONGTEXT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `requestId` INT,
    `linkedChangeId` INT,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ChangePart` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `changeId` INT NOT NULL,
    `removed` LONGTEXT NOT NULL,
    `added` LONGTEXT NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `NotifyJob` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `serial` BIGINT NOT NULL,
    `target` VARCHAR(64) NOT NULL,
    `state` VARCHAR(16) NOT NULL DEFAULT 'pending',
    `reason` TEXT NOT NULL DEFAULT ('change'),
    `attempts` INT NOT NULL DEFAULT 0,
    `nextAttemptAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `lastResult` TEXT,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ReplicaStatus` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `target` VARCHAR(64) NOT NULL,
    `serial` BIGINT,
    `state` TEXT NOT NULL,
    `error` TEXT,
    `rttMs` INT,
    `checkedAt` DATETIME(3) NOT NULL,
    `lastOkAt` DATETIME(3),
    `workerId` TEXT,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ZoneEvent` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT,
    `zoneName` TEXT NOT NULL,
    `kind` TEXT NOT NULL,
    `peer` TEXT NOT NULL,
    `serial` BIGINT,
    `outcome` TEXT NOT NULL,
    `detail` TEXT,
    `records` INT,
    `bytes` INT,
    `durationMs` INT,
    `workerId` TEXT,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `TsigKey` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `algorithm` TEXT NOT NULL,
    `secret` TEXT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `DnssecKey` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `role` TEXT NOT NULL,
    `algorithm` INT NOT NULL,
    `keyTag` INT NOT NULL,
    `dnskey` TEXT NOT NULL,
    `privateKey` TEXT NOT NULL,
    `state` VARCHAR(32) NOT NULL,
    `published` BOOLEAN NOT NULL,
    `active` BOOLEAN NOT NULL,
    `atParent` BOOLEAN NOT NULL DEFAULT false,
    `stateSince` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ApiKey` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(191) NOT NULL,
    `secretHash` VARCHAR(64) NOT NULL,
    `zones` TEXT,
    `names` TEXT NOT NULL DEFAULT ('[]'),
    `types` TEXT NOT NULL DEFAULT ('[]'),
    `readOnly` BOOLEAN NOT NULL DEFAULT false,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `lastUsedAt` DATETIME(3),
    `createdBy` TEXT NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Autoprimary` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `ip` VARCHAR(64) NOT NULL,
    `port` INT NOT NULL DEFAULT 53,
    `nameserver` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `account` TEXT NOT NULL DEFAULT (''),
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ChangeRequest` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `requesterId` INT,
    `requesterName` TEXT NOT NULL,
    `comment` TEXT NOT NULL,
    `edits` LONGTEXT NOT NULL,
    `baseSerial` BIGINT NOT NULL,
    `state` VARCHAR(16) NOT NULL DEFAULT 'open',
    `reviewerId` INT,
    `reviewerName` TEXT,
    `reason` TEXT NOT NULL DEFAULT (''),
    `changeId` INT,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `decidedAt` DATETIME(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `ZoneDeletionRequest` (
    `zoneId` INT NOT NULL,
    `userId` INT NOT NULL,
    `actor` TEXT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`zoneId`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `DeletedZone` (
    `id` INT NOT NULL AUTO_INCREMENT,
    `zoneId` INT NOT NULL,
    `name` VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    `kind` TEXT NOT NULL,
    `serial` BIGINT NOT NULL,
    `recordCount` INT NOT NULL,
    `settings` LONGTEXT NOT NULL,
    `deletedBy` TEXT NOT NULL,
    `deletedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `DeletedRecord` (
    `id` INT NOT NULL,
    `deletedZoneId` INT NOT NULL,
    `name` TEXT NOT NULL,
    `type` TEXT NOT NULL,
    `ttl` INT NOT NULL,
    `content` LONGTEXT NOT NULL,
    `target` TEXT,
    `disabled` BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `DeletedChange` (
    `id` INT NOT NULL,
    `deletedZoneId` INT NOT NULL,
    `userId` INT,
    `actor` TEXT NOT NULL,
    `comment` TEXT COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT (''),
    `oldSerial` BIGINT NOT NULL,
    `newSerial` BIGINT NOT NULL,
    `version` INT,
    `removed` LONGTEXT NOT NULL,
    `added` LONGTEXT NOT NULL,
    `createdAt` DATETIME(3) NOT NULL,
    `linkedChangeId` INT,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `DeletedChangePart` (
    `id` INT NOT NULL,
    `deletedZoneId` INT NOT NULL,
    `changeId` INT NOT NULL,
    `removed` LONGTEXT NOT NULL,
    `added` LONGTEXT NOT NULL,

    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateIndex
CREATE UNIQUE INDEX `User_name_key` ON `User`(`name`);

-- CreateIndex
CREATE INDEX `Session_userId_idx` ON `Session`(`userId`);

-- CreateIndex
CREATE INDEX `Session_expiresAt_idx` ON `Session`(`expiresAt`);

-- CreateIndex
CREATE INDEX `ZoneGrant_zoneId_idx` ON `ZoneGrant`(`zoneId`);

-- CreateIndex
CREATE UNIQUE INDEX `Zone_name_key` ON `Zone`(`name`);

-- CreateIndex
CREATE INDEX `Zone_resignAt_idx` ON `Zone`(`resignAt`);

-- CreateIndex
CREATE INDEX `Zone_catalogId_idx` ON `Zone`(`catalogId`);

-- CreateIndex
CREATE UNIQUE INDEX `CatalogMove_zone_key` ON `CatalogMove`(`zone`);

-- CreateIndex
CREATE INDEX `CatalogMove_dueAt_idx` ON `CatalogMove`(`dueAt`);

-- CreateIndex
CREATE INDEX `Record_zoneId_name_type_idx` ON `Record`(`zoneId`, `name`, `type`);

-- CreateIndex
CREATE INDEX `Record_zoneId_target_idx` ON `Record`(`zoneId`, `target`);

-- CreateIndex
CREATE INDEX `Record_name_idx` ON `Record`(`name`);

-- CreateIndex
CREATE INDEX `Record_target_idx` ON `Record`(`target`);

-- CreateIndex
CREATE INDEX `Record_zoneId_id_idx` ON `Record`(`zoneId`, `id`);

-- CreateIndex
CREATE INDEX `Change_zoneId_id_idx` ON `Change`(`zoneId`, `id`);

-- CreateIndex
CREATE INDEX `Change_zoneId_version_idx` ON `Change`(`zoneId`, `version`);

-- CreateIndex
CREATE INDEX `Change_linkedChangeId_idx` ON `Change`(`linkedChangeId`);

-- CreateIndex
CREATE INDEX `Change_userId_id_idx` ON `Change`(`userId`, `id`);

-- CreateIndex
CREATE INDEX `Change_createdAt_idx` ON `Change`(`createdAt`);

-- CreateIndex
CREATE INDEX `ChangePart_changeId_id_idx` ON `ChangePart`(`changeId`, `id`);

-- CreateIndex
CREATE INDEX `NotifyJob_state_nextAttemptAt_idx` ON `NotifyJob`(`state`, `nextAttemptAt`);

-- CreateIndex
CREATE INDEX `NotifyJob_zoneId_state_idx` ON `NotifyJob`(`zoneId`, `state`);

-- CreateIndex
CREATE INDEX `NotifyJob_zoneId_target_serial_idx` ON `NotifyJob`(`zoneId`, `target`, `serial`);

-- CreateIndex
CREATE UNIQUE INDEX `ReplicaStatus_zoneId_target_key` ON `ReplicaStatus`(`zoneId`, `target`);

-- CreateIndex
CREATE INDEX `ZoneEvent_zoneId_createdAt_idx` ON `ZoneEvent`(`zoneId`, `createdAt`);

-- CreateIndex
CREATE UNIQUE INDEX `TsigKey_name_key` ON `TsigKey`(`name`);

-- CreateIndex
CREATE INDEX `DnssecKey_zoneId_idx` ON `DnssecKey`(`zoneId`);

-- CreateIndex
CREATE INDEX `DnssecKey_state_stateSince_idx` ON `DnssecKey`(`state`, `stateSince`);

-- CreateIndex
CREATE UNIQUE INDEX `ApiKey_name_key` ON `ApiKey`(`name`);

-- CreateIndex
CREATE UNIQUE INDEX `ApiKey_secretHash_key` ON `ApiKey`(`secretHash`);

-- CreateIndex
CREATE UNIQUE INDEX `Autoprimary_ip_nameserver_key` ON `Autoprimary`(`ip`, `nameserver`);

-- CreateIndex
CREATE INDEX `ChangeRequest_state_zoneId_idx` ON `ChangeRequest`(`state`, `zoneId`);

-- CreateIndex
CREATE INDEX `ChangeRequest_requesterId_id_idx` ON `ChangeRequest`(`requesterId`, `id`);

-- CreateIndex
CREATE INDEX `DeletedZone_deletedAt_idx` ON `DeletedZone`(`deletedAt`);

-- CreateIndex
CREATE INDEX `DeletedZone_name_idx` ON `DeletedZone`(`name`);

-- CreateIndex
CREATE INDEX `DeletedRecord_deletedZoneId_id_idx` ON `DeletedRecord`(`deletedZoneId`, `id`);

-- CreateIndex
CREATE INDEX `DeletedChange_deletedZoneId_id_idx` ON `DeletedChange`(`deletedZoneId`, `id`);

-- CreateIndex
CREATE INDEX `DeletedChangePart_deletedZoneId_id_idx` ON `DeletedChangePart`(`deletedZoneId`, `id`);

-- AddForeignKey
ALTER TABLE `Session` ADD CONSTRAINT `Session_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ZoneGrant` ADD CONSTRAINT `ZoneGrant_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ZoneGrant` ADD CONSTRAINT `ZoneGrant_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Zone` ADD CONSTRAINT `Zone_tsigKeyId_fkey` FOREIGN KEY (`tsigKeyId`) REFERENCES `TsigKey`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Zone` ADD CONSTRAINT `Zone_catalogId_fkey` FOREIGN KEY (`catalogId`) REFERENCES `Zone`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `CatalogMove` ADD CONSTRAINT `CatalogMove_catalogId_fkey` FOREIGN KEY (`catalogId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Record` ADD CONSTRAINT `Record_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Change` ADD CONSTRAINT `Change_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Change` ADD CONSTRAINT `Change_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Change` ADD CONSTRAINT `Change_requestId_fkey` FOREIGN KEY (`requestId`) REFERENCES `ChangeRequest`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ChangePart` ADD CONSTRAINT `ChangePart_changeId_fkey` FOREIGN KEY (`changeId`) REFERENCES `Change`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `NotifyJob` ADD CONSTRAINT `NotifyJob_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ReplicaStatus` ADD CONSTRAINT `ReplicaStatus_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ZoneEvent` ADD CONSTRAINT `ZoneEvent_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `DnssecKey` ADD CONSTRAINT `DnssecKey_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ChangeRequest` ADD CONSTRAINT `ChangeRequest_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ChangeRequest` ADD CONSTRAINT `ChangeRequest_requesterId_fkey` FOREIGN KEY (`requesterId`) REFERENCES `User`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `ZoneDeletionRequest` ADD CONSTRAINT `ZoneDeletionRequest_zoneId_fkey` FOREIGN KEY (`zoneId`) REFERENCES `Zone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `DeletedRecord` ADD CONSTRAINT `DeletedRecord_deletedZoneId_fkey` FOREIGN KEY (`deletedZoneId`) REFERENCES `DeletedZone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `DeletedChange` ADD CONSTRAINT `DeletedChange_deletedZoneId_fkey` FOREIGN KEY (`deletedZoneId`) REFERENCES `DeletedZone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `DeletedChangePart` ADD CONSTRAINT `DeletedChangePart_deletedZoneId_fkey` FOREIGN KEY (`deletedZoneId`) REFERENCES `DeletedZone`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

