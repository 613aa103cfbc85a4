-- AlterTable
ALTER TABLE "relay_receipt" ADD COLUMN     "bus_end_offset" BIGINT,
ADD COLUMN     "bus_end_partition" INTEGER;
