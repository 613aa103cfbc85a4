-- CreateEnum
CREATE TYPE "RelayReceiptState" AS ENUM ('signed', 'published');

-- CreateTable
CREATE TABLE "relay_receipt" (
    "cid" TEXT NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "recipient_hash" TEXT NOT NULL,
    "accepted_at" TIMESTAMPTZ(3) NOT NULL,
    "relay_key_id" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "state" "RelayReceiptState" NOT NULL DEFAULT 'signed',
    "bus_partition" INTEGER,
    "bus_offset" BIGINT,

    CONSTRAINT "relay_receipt_pkey" PRIMARY KEY ("cid")
);

-- CreateIndex
CREATE UNIQUE INDEX "relay_receipt_sequence_key" ON "relay_receipt"("sequence");

-- CreateIndex
CREATE INDEX "relay_receipt_state_idx" ON "relay_receipt"("state");
