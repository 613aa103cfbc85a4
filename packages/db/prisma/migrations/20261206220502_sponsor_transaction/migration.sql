-- CreateTable
CREATE TABLE "sponsor_transaction" (
    "chain" TEXT NOT NULL,
    "sequence" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "state" "anchor_request_state" NOT NULL DEFAULT 'pending',
    "version" INTEGER NOT NULL,
    "nonce" BIGINT,
    "record" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sponsor_transaction_pkey" PRIMARY KEY ("chain","sequence")
);

-- CreateIndex
CREATE UNIQUE INDEX "sponsor_transaction_digest_key" ON "sponsor_transaction"("digest");

-- CreateIndex
CREATE INDEX "sponsor_transaction_chain_state_sequence_idx" ON "sponsor_transaction"("chain", "state", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "sponsor_transaction_chain_nonce_key" ON "sponsor_transaction"("chain", "nonce");
