-- CreateTable
CREATE TABLE "sponsor_audit_cursor" (
    "id" TEXT NOT NULL,
    "block" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,

    CONSTRAINT "sponsor_audit_cursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sponsor_account_transaction" (
    "tx_hash" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "to" TEXT,
    "selector" TEXT NOT NULL,

    CONSTRAINT "sponsor_account_transaction_pkey" PRIMARY KEY ("tx_hash")
);

-- CreateIndex
CREATE INDEX "sponsor_account_transaction_block_number_idx" ON "sponsor_account_transaction"("block_number");

-- CreateIndex
CREATE INDEX "sponsorship_tx_hash_idx" ON "sponsorship"("tx_hash");
