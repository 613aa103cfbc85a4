-- AlterTable
ALTER TABLE "relay_receipt" ADD COLUMN     "client_id" TEXT,
ADD COLUMN     "state_before" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "relay_receipt_chain_position_key" ON "relay_receipt"("recipient_hash", "client_id", "state_before");
