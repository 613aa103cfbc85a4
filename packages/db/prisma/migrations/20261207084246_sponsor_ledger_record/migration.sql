-- CreateTable
CREATE TABLE "sponsor_ledger_record" (
    "seq" SERIAL NOT NULL,
    "tenant" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "record" BYTEA NOT NULL,
    "cid" TEXT,
    "tx_file" BYTEA,
    "state_after" TEXT,
    "submitted_at" TIMESTAMPTZ(3),
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sponsor_ledger_record_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "sponsor_ledger_record_cid_key" ON "sponsor_ledger_record"("cid");

-- CreateIndex
CREATE INDEX "sponsor_ledger_record_digest_seq_idx" ON "sponsor_ledger_record"("digest", "seq");

-- CreateIndex
CREATE INDEX "sponsor_ledger_record_tenant_seq_idx" ON "sponsor_ledger_record"("tenant", "seq");
