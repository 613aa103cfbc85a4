-- CreateEnum
CREATE TYPE "chain_kind" AS ENUM ('evm', 'ergo');

-- CreateEnum
CREATE TYPE "anchor_status" AS ENUM ('pending', 'confirmed', 'orphaned');

-- CreateEnum
CREATE TYPE "anchor_request_state" AS ENUM ('queued', 'submitted', 'confirmed', 'failed');

-- CreateTable
CREATE TABLE "batch" (
    "cid" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "sequence" BIGINT NOT NULL,
    "previous_cid" TEXT,
    "sealed_at" TIMESTAMPTZ(3) NOT NULL,
    "merkle_root" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "batch_pkey" PRIMARY KEY ("cid")
);

-- CreateTable
CREATE TABLE "batch_entry" (
    "batch_cid" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "tx_file_cid" TEXT NOT NULL,

    CONSTRAINT "batch_entry_pkey" PRIMARY KEY ("batch_cid","index")
);

-- CreateTable
CREATE TABLE "tx_file" (
    "cid" TEXT NOT NULL,
    "batch_sequence" BIGINT NOT NULL,
    "batch_index" INTEGER NOT NULL,
    "recipient_hash" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "suite" TEXT NOT NULL,
    "state_before" TEXT NOT NULL,
    "state_after" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "lastblock_height" BIGINT NOT NULL,
    "trustedblock_height" BIGINT NOT NULL,

    CONSTRAINT "tx_file_pkey" PRIMARY KEY ("cid")
);

-- CreateTable
CREATE TABLE "tx_file_sender" (
    "tx_file_cid" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "sender_hash" TEXT NOT NULL,

    CONSTRAINT "tx_file_sender_pkey" PRIMARY KEY ("tx_file_cid","position")
);

-- CreateTable
CREATE TABLE "anchor" (
    "chain" "chain_kind" NOT NULL,
    "chain_id" TEXT NOT NULL,
    "batch_cid" TEXT NOT NULL,
    "contract" TEXT NOT NULL,
    "sequence" BIGINT NOT NULL,
    "root" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,
    "status" "anchor_status" NOT NULL,

    CONSTRAINT "anchor_pkey" PRIMARY KEY ("chain","chain_id","batch_cid")
);

-- CreateTable
CREATE TABLE "chain_cursor" (
    "chain" "chain_kind" NOT NULL,
    "chain_id" TEXT NOT NULL,
    "last_block" BIGINT NOT NULL,
    "last_block_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_cursor_pkey" PRIMARY KEY ("chain","chain_id")
);

-- CreateTable
CREATE TABLE "anchor_request" (
    "chain" "chain_kind" NOT NULL,
    "chain_id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "sequence" BIGINT NOT NULL,
    "batch_cid" TEXT NOT NULL,
    "state" "anchor_request_state" NOT NULL DEFAULT 'queued',
    "nonce" BIGINT,
    "tx_hash" TEXT,
    "fees" JSONB,
    "fee_paid" DECIMAL(78,0),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "anchor_request_pkey" PRIMARY KEY ("chain","chain_id","platform","sequence")
);

-- CreateIndex
CREATE UNIQUE INDEX "batch_platform_sequence_key" ON "batch"("platform", "sequence");

-- CreateIndex
CREATE INDEX "batch_entry_tx_file_cid_idx" ON "batch_entry"("tx_file_cid");

-- CreateIndex
CREATE INDEX "tx_file_recipient_hash_batch_sequence_batch_index_cid_idx" ON "tx_file"("recipient_hash", "batch_sequence", "batch_index", "cid");

-- CreateIndex
CREATE INDEX "tx_file_state_after_idx" ON "tx_file"("state_after");

-- CreateIndex
CREATE INDEX "tx_file_sender_sender_hash_tx_file_cid_idx" ON "tx_file_sender"("sender_hash", "tx_file_cid");

-- CreateIndex
CREATE INDEX "anchor_batch_cid_idx" ON "anchor"("batch_cid");

-- CreateIndex
CREATE INDEX "anchor_chain_chain_id_block_number_idx" ON "anchor"("chain", "chain_id", "block_number");

-- CreateIndex
CREATE INDEX "anchor_request_state_updated_at_idx" ON "anchor_request"("state", "updated_at");

-- AddForeignKey
ALTER TABLE "batch_entry" ADD CONSTRAINT "batch_entry_batch_cid_fkey" FOREIGN KEY ("batch_cid") REFERENCES "batch"("cid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tx_file_sender" ADD CONSTRAINT "tx_file_sender_tx_file_cid_fkey" FOREIGN KEY ("tx_file_cid") REFERENCES "tx_file"("cid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "anchor" ADD CONSTRAINT "anchor_batch_cid_fkey" FOREIGN KEY ("batch_cid") REFERENCES "batch"("cid") ON DELETE CASCADE ON UPDATE CASCADE;
