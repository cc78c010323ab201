-- Issue 21: users signed in through LDAP (lib/auth/ldap.ts) are marked as such; the
-- directory decides their role and grants, and they have no usable password here.
ALTER TABLE "User" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'local';
ALTER TABLE "User" ADD COLUMN "dn" TEXT;
