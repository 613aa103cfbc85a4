-- AlterTable
ALTER TABLE "tx_file" ADD COLUMN     "trustedblock_id" TEXT;
