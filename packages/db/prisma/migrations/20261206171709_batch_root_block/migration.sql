-- AlterTable
ALTER TABLE "batch" ADD COLUMN     "root_block" BYTEA;
