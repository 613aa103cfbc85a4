-- DropIndex
DROP INDEX "treasury_refill_day_idx";

-- AlterTable
ALTER TABLE "treasury_refill" ADD COLUMN     "chain" TEXT NOT NULL DEFAULT 'evm';

-- CreateIndex
CREATE INDEX "treasury_refill_day_chain_idx" ON "treasury_refill"("day", "chain");
