-- Issue 18: a zone's DNS UPDATE policy (lib/zones/update-policy.ts), grant/deny
-- rules one per line; null refuses every UPDATE. A plain ALTER: the Zone table
-- is not rebuilt.

-- AlterTable
ALTER TABLE "Zone" ADD COLUMN "updatePolicy" TEXT;
