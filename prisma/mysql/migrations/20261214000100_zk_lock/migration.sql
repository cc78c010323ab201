-- MySQL/MariaDB only, no Prisma model: the rows that lib/db.ts lockInTransaction
-- locks. MySQL has no transaction-scoped advisory lock (GET_LOCK lasts as long
-- as the session, past COMMIT), but a row lock taken by an INSERT … ON
-- DUPLICATE KEY UPDATE lasts exactly as long as the transaction. A key's row
-- is written once; later locks of it change nothing (nothing to replicate).
CREATE TABLE `ZkLock` (
    `k` BIGINT NOT NULL,

    PRIMARY KEY (`k`)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
